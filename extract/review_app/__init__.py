"""Local web app for reviewing values below the review threshold (``extract review --store results.db``)."""
