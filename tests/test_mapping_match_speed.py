"""The label matcher's shortcuts give what the plain computation gives: ``matched`` is difflib's count,
``_may_reach`` never rejects a pair that reaches the floor, the pruned fuzzy vocabulary match is the full one."""
from __future__ import annotations

import random
from difflib import SequenceMatcher

from extract.mapping.labels import INDICATOR_COLUMNS, KV_FIELDS, SECTIONS, label_key
from extract.mapping.match import _may_reach, matched, similarity

ALPHABETS = ["ab", "abc", "abcd", "项目支出金额年度指标值", "abcdefghij"]


def test_matched_is_difflibs_count() -> None:
    rng = random.Random(7)
    for alpha in ALPHABETS:
        for _ in range(4000):
            a = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 14)))
            b = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 14)))
            want = sum(m.size for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
            assert matched(a, b) == want, (a, b)


def test_may_reach_never_rejects_a_reaching_pair() -> None:
    words = [label_key(v) for vocab in (SECTIONS, KV_FIELDS, INDICATOR_COLUMNS) for vs in vocab.values() for v in vs]
    rng = random.Random(3)
    for _ in range(3000):
        a, b = rng.choice(words), rng.choice(words)
        a = a[rng.randint(0, 2):] + rng.choice(["", "名称", "合计", "数"])
        for least in (0.5, 0.67, 0.72, 0.9):
            if similarity(a, b) >= least:
                assert _may_reach(a, b, least), (a, b, least)


def _similar_unpruned(key: str, items: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, float] | None:
    from extract.mapping.match import AMBIGUITY_MARGIN, AMBIGUOUS_QUALITY, MATCH_MIN

    scores = sorted(((max((similarity(key, k) for v in variants if len(k := label_key(v)) != len(key)),
                          default=0.0), name) for name, variants in items), key=lambda t: -t[0])
    if not scores or scores[0][0] < MATCH_MIN:
        return None
    best, name = scores[0]
    if len(scores) > 1 and scores[1][0] >= best - AMBIGUITY_MARGIN:
        best *= AMBIGUOUS_QUALITY
    return name, round(best, 4)


def test_pruned_fuzzy_match_is_the_full_one() -> None:
    from extract.mapping.labels import _similar

    rng = random.Random(5)
    for vocab in (SECTIONS, KV_FIELDS, INDICATOR_COLUMNS):
        items = tuple(vocab.items())
        words = [label_key(v) for vs in vocab.values() for v in vs]
        for _ in range(1500):
            w = rng.choice(words)
            key = w[rng.randint(0, 2):rng.randint(len(w) - 1, len(w))] + rng.choice(["", "名称", "合计", "数", "情况"])
            got = _similar(key, items)
            assert (None if got is None else (got.key, got.quality)) == _similar_unpruned(key, items), key


def test_names_exactly_is_a_full_quality_match() -> None:
    from extract.mapping.labels import INDICATOR_DECLS, TASK_DECLS
    from extract.mapping.match import match_field, names_exactly

    rng = random.Random(11)
    for decls in (TASK_DECLS, INDICATOR_DECLS):
        words = [v for d in decls for v in d.labels]
        for _ in range(1500):
            w = rng.choice(words)
            text = rng.choice(["", "具体", " "]) + w[rng.randint(0, 1):] + rng.choice(["", "（万元）", "名称", "："])
            fields = [d for d in decls if rng.random() < 0.7]
            m = match_field(text, fields)
            assert names_exactly(text, fields) == (m is not None and m.quality >= 1.0), text


def test_field_scores_are_the_full_comparison() -> None:
    from extract.mapping.labels import INDICATOR_DECLS, TASK_DECLS
    from extract.mapping.match import _score

    rng = random.Random(13)
    for decls in (TASK_DECLS, INDICATOR_DECLS):
        labels = tuple(d.labels for d in decls)
        words = [label_key(v) for vs in labels for v in vs]
        for _ in range(1500):
            w = rng.choice(words)
            key = rng.choice(["", "具体", "年"]) + w[rng.randint(0, 2):] + rng.choice(["", "名称", "值", "数"])
            if not key:
                continue
            for least in (0.0, 0.5, 0.67):
                full = [(max(similarity(key, label_key(v)) for v in vs), i) for i, vs in enumerate(labels)]
                want = tuple(sorted(((s, i) for s, i in full if s >= least), key=lambda t: (-t[0], t[1])))
                assert _score(key, labels, least) == want, (key, least)
