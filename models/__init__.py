"""Typed target models: every leaf value is a Field carrying confidence and its source cell."""
from models.fields import Field, Money, Source

__all__ = ["Field", "Money", "Source"]
