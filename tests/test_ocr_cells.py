"""Ruled cells read from their crops (extract.ocr.cells) and short crops packed into strips (extract.ocr.pack):
pure image geometry, no model."""
import numpy as np

from extract.ocr import pack
from extract.ocr.cells import closed_cells, leftover, line_bands
from extract.types import Ruling

DPI = 200.0
PX = DPI / 72.0


def _grid_page():
    """A 3 x 2 grid (points: x 72-432, y 72-252) on a white page, with a title above it."""
    grey = np.full((int(400 * PX), int(500 * PX)), 255, np.uint8)
    xs, ys = (72, 252, 432), (72, 132, 192, 252)
    rulings = []
    for y in ys:
        grey[int(y * PX):int(y * PX) + 2, int(72 * PX):int(432 * PX) + 2] = 0
        rulings.append(Ruling(orientation="h", bbox=(72, y, 432, y + 2 / PX)))
    for x in xs:
        grey[int(72 * PX):int(252 * PX) + 2, int(x * PX):int(x * PX) + 2] = 0
        rulings.append(Ruling(orientation="v", bbox=(x, 72, x + 2 / PX, 252)))
    return grey, rulings


def _ink(grey, x0, y0, x1, y1):
    grey[int(y0 * PX):int(y1 * PX), int(x0 * PX):int(x1 * PX)] = 20


def test_closed_cells_are_the_grid_cells_not_the_page_around_them():
    grey, rulings = _grid_page()
    cells = closed_cells(grey.shape, rulings, DPI)
    assert len(cells) == 6
    for x0, y0, x1, y1 in cells:
        assert 72 * PX < x0 < x1 < 434 * PX and 72 * PX < y0 < y1 < 254 * PX


def test_line_bands_split_lines_join_the_strokes_of_a_mark_and_skip_blank_cells():
    grey, rulings = _grid_page()
    _ink(grey, 90, 85, 200, 95)     # cell (0, 0): two lines of text
    _ink(grey, 90, 105, 180, 115)
    _ink(grey, 300, 98, 320, 100)   # cell (0, 1): '=' (two strokes 2pt apart)
    _ink(grey, 300, 102, 320, 104)
    grey[int(160 * PX), int(100 * PX)] = 0  # cell (1, 0): one speck only
    cells = sorted(closed_cells(grey.shape, rulings, DPI), key=lambda b: (b[1], b[0]))
    bands = [line_bands(grey, c, DPI, text_px=10 * PX) for c in cells]
    assert len(bands[0][0]) == 2 and not bands[0][1]
    assert len(bands[1][0]) == 1  # one mark, not two specks
    assert bands[2] == ([], False)
    # text running into the cell's ruling: left to the detector
    _ink(grey, 72, 200, 120, 210)
    assert line_bands(grey, cells[4], DPI, text_px=10 * PX)[1]


def test_leftover_keeps_the_text_outside_the_cells_read():
    grey, rulings = _grid_page()
    _ink(grey, 100, 30, 300, 45)  # a title above the grid
    _ink(grey, 90, 85, 200, 95)
    cells = closed_cells(grey.shape, rulings, DPI)
    rest, parts = leftover(grey, rulings, cells, DPI, text_px=10 * PX)
    assert len(parts) == 1
    x0, y0, x1, y1 = parts[0]
    assert y1 < 72 * PX and x0 <= 100 * PX and x1 >= 300 * PX
    assert rest[int(90 * PX), int(150 * PX)] == 255  # the cell read is blanked


def test_pack_places_every_short_crop_once_and_leaves_wide_ones_alone():
    crops = [np.zeros((30, w), np.uint8) for w in (20, 60, 100, 400, 50, 90)]
    strips, layout = pack.pack(crops)
    placed = [i for segs in layout for i, *_ in segs]
    assert sorted(placed + pack.alone(crops)) == list(range(len(crops)))
    assert pack.alone(crops) == [3]
    assert all(s.shape[0] == pack.HEIGHT and s.shape[1] <= pack.STRIP_W for s in strips)


def test_unpack_gives_each_crop_its_characters_and_refuses_a_misaligned_strip():
    segs = [(0, 32, 80, 1.0), (1, 112, 200, 2.0)]

    def q(x0, x1):
        return [[x0, 5], [x1, 5], [x1, 40], [x0, 40]]

    chars = [("1", 0.9, q(35, 50)), ("2", 0.8, q(55, 75)), ("万", 0.7, q(120, 150)), ("元", 0.6, q(160, 190))]
    got = pack.unpack("12 万元", chars, segs)
    assert [g[0] for g in got] == ["12", "万元"]
    assert abs(got[1][1] - 0.65) < 1e-9
    assert got[1][2][0][2][0] == (120 - 112) / 2.0  # box in the crop's own pixels
    assert pack.unpack("12 万", chars, segs) is None


def test_leftover_keeps_a_title_stroke_that_a_ruling_found_running_on_past_the_table():
    # a vertical ruling found from y=30 (a title character's stroke on its line, chained to it) down to the
    # grid's foot: only its part beside the cells read is blanked, the stroke above the grid stays ink
    grey, rulings = _grid_page()
    _ink(grey, 100, 30, 300, 45)
    grey[int(30 * PX):int(72 * PX), int(252 * PX):int(252 * PX) + 2] = 0
    long = [r for r in rulings if r.orientation == "h"] + [
        r if abs(r.bbox[0] - 252) > 1 else Ruling(orientation="v", bbox=(252, 30, 252 + 2 / PX, 252))
        for r in rulings if r.orientation == "v"]
    cells = closed_cells(grey.shape, long, DPI)
    rest, parts = leftover(grey, long, cells, DPI, text_px=10 * PX)
    assert rest[int(40 * PX), int(252 * PX)] == 0  # the stroke in the title line is left to the detector
    assert rest[int(150 * PX), int(252 * PX)] == 255  # the ruling between the cells read is blanked
    assert len(parts) == 1 and parts[0][1] <= 30 * PX <= parts[0][3]
