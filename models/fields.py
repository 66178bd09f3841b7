"""Field[T] and Money: a value together with how sure we are of it and where it came from."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

T = TypeVar("T")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str | None = None
    cells: list[tuple[int, int]] = []
    page: int | None = None


class Field(BaseModel, Generic[T]):
    """A value the form states (``None`` where the form leaves it empty)."""

    model_config = ConfigDict(extra="forbid")

    value: T | None = None
    confidence: float = 0.0
    raw: str | None = None
    source: Source | None = None

    @field_validator("confidence")
    @classmethod
    def _in_unit_interval(cls, v: float) -> float:
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"confidence {v} outside [0, 1]")
        return round(v, 4)


class Money(Field[str]):
    """An amount; ``value`` is a decimal string in yuan (元) whatever unit was printed."""

    raw_unit: Literal["万元", "元"] | None = None

    @field_validator("value")
    @classmethod
    def _decimal_string(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            Decimal(v)
        except InvalidOperation:  # an ArithmeticError, which pydantic would not report as a validation error
            raise ValueError(f"not a decimal string: {v!r}") from None
        return v

    def decimal(self) -> Decimal | None:
        return None if self.value is None else Decimal(self.value)
