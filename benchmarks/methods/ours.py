"""Our pipeline, through its public API, exactly as a user calls it."""
from __future__ import annotations

from benchmarks.methods.base import Method, Prediction


def predict(path: str) -> Prediction:
    import extract

    result = extract.extract_file(path)
    error = None
    if result.status != "ok":
        messages = "; ".join(i.message for i in result.issues if i.severity == "error")
        error = f"{result.status}: {messages}"
    return Prediction(tables=list(result.tables), pages=list(result.pages), error=error,
                      documents=[d.model_dump(mode="json") for d in result.documents], issues=list(result.issues))


METHOD = Method("ours", frozenset({"pdf_text", "pdf_scan", "image"}), predict, has_confidence=True)
