"""OCR of a rendered CJK table page with the real RapidOCR models: cell texts, char boxes, splits at rulings."""
from __future__ import annotations

from scan_pages import layout_model, ocr_engine, table_image

from extract.ocr.base import OcrEngine, OcrLine
from extract.scan import lines_to_spans, ocr_cells, read_scanned_page, trim_rulings_into_text
from extract.structure.build import build_page_tables
from extract.types import Cell, PageInfo, Ruling

DPI = 150.0


def _truth_cells(tp):
    return {(r, k): text for r, row in enumerate(tp.rows) for k, text in enumerate(row)}


def test_engine_follows_the_protocol_and_gives_char_boxes():
    engine = ocr_engine()
    assert isinstance(engine, OcrEngine)
    tp, rgb = table_image(DPI)
    lines = engine.recognize(rgb)
    texts = [ln.text for ln in lines]
    assert tp.title in texts
    for ln in lines:
        assert 0.0 <= ln.score <= 1.0
        if ln.char_boxes is not None:
            assert len(ln.char_boxes) == len(ln.text)
            assert ln.bbox[0] - 3 <= ln.char_boxes[0][0] and ln.char_boxes[-1][2] <= ln.bbox[2] + 3
    assert sum(ln.char_boxes is not None for ln in lines) >= 0.8 * len(lines)


def test_scanned_page_cells_match_the_printed_table():
    tp, rgb = table_image(DPI)
    info = PageInfo(page=1, width=595.28, height=841.89, kind="scanned")
    page = read_scanned_page(rgb, info, DPI, ocr_engine(), layout_model())
    assert page.info.rotation == 0 and abs(page.info.width - 595.28) < 1
    assert all(s.source == "ocr" for s in page.spans)
    built = build_page_tables(page.info, page.spans, page.rulings, id_prefix="t")
    assert len(built.tables) == 1
    table = built.tables[0]
    assert (table.n_rows, table.n_cols) == (len(tp.rows), len(tp.rows[0]))
    got = {(c.row, c.col): c.text for c in table.cells}
    truth = _truth_cells(tp)
    assert sum(got.get(key, "") == text for key, text in truth.items()) >= len(truth) - 1
    assert any(tp.title == s.text for s in built.outside_spans)  # the title stays outside the table


def test_cell_crops_read_the_same_and_skip_empty_cells():
    tp, rgb = table_image(DPI)
    cells = [Cell(row=r, col=k, bbox=(tp.col_edges[k], tp.row_edges[r], tp.col_edges[k + 1], tp.row_edges[r + 1]))
             for r in range(len(tp.rows)) for k in range(len(tp.rows[0]))]

    class Counting:
        def __init__(self, inner):
            self.inner, self.crops = inner, 0

        def detect(self, image):
            return self.inner.detect(image)

        def recognize(self, image, text_height=None):
            return self.inner.recognize(image, text_height)

        def recognize_crops(self, images):
            self.crops += len(images)
            return self.inner.recognize_crops(images)

    engine = Counting(ocr_engine())
    read = ocr_cells(rgb, cells, engine, DPI)
    truth = _truth_cells(tp)
    assert sum(c.text == truth[(c.row, c.col)] for c in read) >= len(read) - 1
    empty = [c for c in read if not truth[(c.row, c.col)]]
    assert empty and all(c.text == "" and not c.spans for c in empty)
    assert engine.crops == sum(bool(t) for t in truth.values())  # one batch, nothing sent for empty cells


def test_a_line_across_a_ruling_is_split_at_it():
    # "基本支出4,393.85" read as one line across the ruling at x=100pt (scale 1: pixels = points)
    text = "基本支出4,393.85"
    boxes = tuple((40.0 + 12 * k, 10.0, 52.0 + 12 * k, 22.0) for k in range(4)) + \
        tuple((104.0 + 6 * k, 10.0, 110.0 + 6 * k, 22.0) for k in range(8))
    line = OcrLine(text=text, bbox=(40, 10, 152, 22), score=0.9, char_boxes=boxes)
    ruling = Ruling(orientation="v", bbox=(99.5, 0, 100.5, 40), source="raster")
    spans = lines_to_spans([line], [ruling], scale=1.0)
    assert [s.text for s in spans] == ["基本支出", "4,393.85"]
    assert spans[0].bbox[2] <= 100 <= spans[1].bbox[0]
    assert all(s.confidence == 0.9 and len(s.char_boxes) == len(s.text) for s in spans)
    # without char boxes the cut is estimated and the pieces are marked less sure
    rough = lines_to_spans([line.model_copy(update={"char_boxes": None})], [ruling], scale=1.0)
    assert len(rough) == 2 and all(s.confidence < 0.9 for s in rough)
    # a ruling that does not reach the line's height cuts nothing
    short = Ruling(orientation="v", bbox=(99.5, 30, 100.5, 40), source="raster")
    assert [s.text for s in lines_to_spans([line], [short], scale=1.0)] == [text]


def test_line_confidence_drops_for_a_weak_character_or_a_hole():
    from extract.scan import line_confidence

    boxes = tuple((10.0 + 12 * k, 0.0, 21.0 + 12 * k, 12.0) for k in range(6))
    line = OcrLine(text="推进培训委托", bbox=(10, 0, 82, 12), score=0.99, char_boxes=boxes, char_scores=(0.99,) * 6)
    sure = line_confidence(line)
    assert sure > 0.97
    weak = line_confidence(line.model_copy(update={"char_scores": (0.99, 0.99, 0.99, 0.36, 0.99, 0.99)}))
    assert weak < 0.65
    # a one-character hole after 培训 (where a full-width comma was not read)
    holed = tuple(b if k < 4 else (b[0] + 12, b[1], b[2] + 12, b[3]) for k, b in enumerate(boxes))
    assert line_confidence(line.model_copy(update={"char_boxes": holed})) < 0.75 * sure


def test_parallel_recogniser_reads_like_one_session_in_input_order():
    from rapidocr import RapidOCR
    from rapidocr.ch_ppocr_rec import TextRecInput

    from extract.ocr.rapid import _ParallelRecognizer

    engine = ocr_engine()
    tp, rgb = table_image(DPI)
    lines = [ln for ln in engine.recognize(rgb) if ln.text.strip()]
    crops = [rgb[int(b[1]):int(b[3]) + 1, int(b[0]):int(b[2]) + 1, ::-1].copy() for b in (ln.bbox for ln in lines)]
    params = {"Global.log_level": "error", "Rec.rec_batch_num": 1,
              "EngineConfig.onnxruntime.intra_op_num_threads": 1}
    single = RapidOCR(params=params)._load_rec_model()
    parallel = _ParallelRecognizer([RapidOCR(params=params)._load_rec_model() for _ in range(2)])
    one = single(TextRecInput(img=crops, return_word_box=True))
    two = parallel(TextRecInput(img=crops, return_word_box=True))
    assert len(crops) > 10 and list(two.txts) == list(one.txts)
    assert [round(s, 4) for s in two.scores] == [round(s, 4) for s in one.scores]
    assert [repr(w) for w in two.word_results] == [repr(w) for w in one.word_results]


def test_detection_on_a_smaller_copy_finds_the_same_lines():
    engine = ocr_engine()
    _, rgb = table_image(200.0)
    full = engine.recognize(rgb)
    heights = sorted(ln.bbox[3] - ln.bbox[1] for ln in full)
    text_px = heights[len(heights) // 2] / 1.45
    assert text_px > 16  # the copy the detector sees is really smaller
    small = engine.recognize(rgb, text_height=text_px)
    assert sorted(ln.text for ln in small) == sorted(ln.text for ln in full)
    for a in full:  # each line where it was (the nearest line of the same text)
        b = min((b for b in small if b.text == a.text), key=lambda b: abs(b.bbox[1] - a.bbox[1]) + abs(b.bbox[0] - a.bbox[0]))
        assert max(abs(u - v) for u, v in zip(a.bbox, b.bbox)) < 0.3 * (a.bbox[3] - a.bbox[1])


def test_a_column_line_chained_up_into_a_title_ends_where_the_title_begins():
    title = OcrLine(text="江门市部门整体预算绩效目标表", bbox=(200.0, 60.0, 480.0, 76.0), score=0.99)
    cell = OcrLine(text="部门名称", bbox=(60.0, 95.0, 100.0, 112.0), score=0.99)
    rulings = [Ruling(orientation="h", bbox=(50.0, 90.0, 600.0, 91.0)),
               Ruling(orientation="h", bbox=(50.0, 210.0, 600.0, 211.0)),
               Ruling(orientation="v", bbox=(50.0, 90.0, 51.0, 211.0)),
               Ruling(orientation="v", bbox=(340.0, 62.0, 341.0, 211.0))]  # runs on up into the title
    trimmed = trim_rulings_into_text(rulings, [title, cell], 1.0)
    column = [r for r in trimmed if r.orientation == "v" and r.bbox[0] == 340.0]
    assert column and column[0].bbox[1] == 76.0 and column[0].bbox[3] == 211.0
    assert [s.text for s in lines_to_spans([title], trimmed, 1.0)] == [title.text]
    assert len(lines_to_spans([title], rulings, 1.0)) == 2  # untrimmed, the title is cut in two
    # a column line capped by a horizontal rule at its end is a table's and stays as found
    capped = rulings + [Ruling(orientation="h", bbox=(300.0, 61.0, 400.0, 62.0))]
    assert [r.bbox for r in trim_rulings_into_text(capped, [title], 1.0)] == [r.bbox for r in capped]


def test_a_short_stroke_chain_above_a_table_is_no_ruling():
    # the 0, 2 and 年 of a "(2025年)" line aligned down to the table's top rule: a vertical 'ruling' that
    # touches one horizontal rule and is two lines short bounds no cell, and would cut the year line in two
    year = OcrLine(text="(2025年)", bbox=(394.0, 82.0, 448.0, 103.0), score=0.99)
    cells = [OcrLine(text="部门名称", bbox=(98.0, 117.0 + 20 * k, 136.0, 133.0 + 20 * k), score=0.99) for k in range(3)]
    top = Ruling(orientation="h", bbox=(68.0, 109.0, 774.0, 110.5))
    stroke = Ruling(orientation="v", bbox=(413.0, 80.0, 415.8, 109.8))
    wall = Ruling(orientation="v", bbox=(162.0, 109.0, 163.0, 524.0))
    kept = trim_rulings_into_text([top, stroke, wall], [year] + cells, 1.0)
    assert kept == [top, wall]
    assert [s.text for s in lines_to_spans([year], kept, 1.0)] == ["(2025年)"]
    # the same short piece between two horizontal rules is a cell wall (a one-row table's column line)
    foot = Ruling(orientation="h", bbox=(68.0, 79.0, 774.0, 80.5))
    assert stroke in trim_rulings_into_text([foot, top, stroke], [year], 1.0)
