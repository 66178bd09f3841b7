"""One definition of the confidence figures: the benchmark's confidence columns and ``benchmarks.calibrate
report`` count the same values, the same missing rows and the same review budget (issue 11)."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus.truth import DocTruth
from extract.types import Result


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> tuple[Path, Result]:
    """The jieyang seed form, uncalibrated (as ``calibrate collect`` caches it), and its folder."""
    from corpus.generate import seed_document
    from extract.calibration import disabled
    from extract.pipeline import extract_file

    out = tmp_path_factory.mktemp("seed")
    seed_document("seed-jieyang-2023", out)
    with disabled():
        return out, extract_file(out / "seed-jieyang-2023.pdf")


def _damaged(raw: Result) -> Result:
    """The last key task row lost by the mapper (its table row goes unread: a completeness gap), and one
    amount misread at the mapper's full confidence."""
    doc = raw.documents[0]
    data = dict(doc.data)
    data["key_tasks"] = list(data["key_tasks"])[:-1]
    budget = dict(data["budget"])
    budget["project_expenditure"] = {**budget["project_expenditure"], "value": "1.00"}
    data["budget"] = budget
    return raw.model_copy(update={"documents": (doc.model_copy(update={"data": data}),)})


def _benchmark_figures(folder: Path, final: Result) -> tuple[dict, list]:
    """The benchmark's own scorer on the pipeline's (calibrated) result for the document."""
    from benchmarks.methods import Prediction
    from benchmarks.runner import MethodSetRun, SampleRun
    from benchmarks.scoring import score_corpus
    from benchmarks.sets import Sample

    pred = Prediction(documents=[d.model_dump(mode="json") for d in final.documents], issues=list(final.issues))
    sample = Sample("corpus-born", "seed", str(folder / "seed-jieyang-2023.pdf"), "pdf_text",
                    truth=str(folder / "seed-jieyang-2023.truth.json"))
    return score_corpus(MethodSetRun("ours", "corpus-born", [SampleRun(sample, 0.1, pred, 1)]), True)


def test_benchmark_and_calibrate_report_agree_and_count_what_went_missing(seed):
    from benchmarks.calibrate import score_result
    from benchmarks.metrics.confidence import forecast_figures
    from extract.calibration import after_mapping, load

    folder, raw = seed
    truth = DocTruth.model_validate_json((folder / "seed-jieyang-2023.truth.json").read_text(encoding="utf-8"))
    damaged = _damaged(raw)
    model = load()
    cal = score_result(damaged, truth, model)
    report = forecast_figures(cal["values"], cal["units"])
    figures, values = _benchmark_figures(folder, after_mapping(damaged, model))
    assert values == cal["values"]
    for ours, theirs in (("review_catch_5", "caught_5"), ("review_catch_10", "caught_10"),
                         ("review_catch_20", "caught_20"), ("wrong_at_0.9", "wrong_at_0.9"), ("ece", "ece"),
                         ("conf_errors", "errors"), ("auroc", "auroc")):
        assert figures[ours] == report[theirs], ours
    lost_row = [v for k, v in truth.forms[0].model_dump()["data"]["key_tasks"][-1].items() if v not in (None, "")]
    # the lost row's values are errors (absent, not silently dropped) and the misread amount is one more
    assert report["errors"] == len(lost_row) + 1
    # the row_unread item points at the lost row: the reviewer is sent there first
    assert cal["silent_docs"] == 0 and figures["review_catch_5"] >= len(lost_row) / report["errors"]


def test_the_old_benchmark_definition_would_not_see_the_missing_row(seed):
    """Why the definition matters: the per-field outcomes (what ``fields_wrong`` counts) leave an absent
    value without a confidence, so a confidence figure built on them cannot count it at all."""
    from benchmarks.metrics.fields import field_outcomes
    from extract.calibration import after_mapping

    folder, raw = seed
    truth = DocTruth.model_validate_json((folder / "seed-jieyang-2023.truth.json").read_text(encoding="utf-8"))
    final = after_mapping(_damaged(raw))
    outcomes = field_outcomes(final.documents[0].model_dump(mode="json")["data"],
                              truth.forms[0].model_dump(mode="json")["data"])
    absent = [o for o in outcomes if not o.correct and o.confidence is None]
    assert absent  # the lost row: wrong, with no confidence to rank it by
    figures, _ = _benchmark_figures(folder, final)
    assert figures["conf_errors"] == sum(not o.correct for o in outcomes if o.truth not in (None, ""))


def test_a_document_with_a_completeness_gap_is_never_certain(seed):
    from extract.calibration import after_mapping
    from extract.completeness import gaps_of, section_of
    from extract.review import iter_fields, review_queue

    _, raw = seed
    final = after_mapping(_damaged(raw))
    gaps = gaps_of(final)
    assert any(g.kind == "row_unread" and "key_tasks" in g.fields for g in gaps)
    doc = final.documents[0]
    assert doc.confidence < 1.0
    gapped = {s for g in gaps if g.document == 0 for s in g.fields}
    confs = [leaf["confidence"] for path, leaf in iter_fields(doc.data)
             if section_of(path) in gapped and leaf.get("source")]
    assert confs and max(confs) < 1.0
    queue = review_queue(final)
    assert queue and queue[0].kind == "gap"
