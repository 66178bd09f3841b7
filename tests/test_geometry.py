"""BBox maths, dpi conversion and the user-space -> displayed-page frame."""
from __future__ import annotations

import pytest

from extract import geometry as g


def test_bbox_maths():
    a, b = (0, 0, 10, 10), (5, 5, 15, 20)
    assert g.area(a) == 100 and g.area((5, 5, 4, 9)) == 0
    assert g.union([a, b]) == (0, 0, 15, 20)
    assert g.intersection(a, b) == (5, 5, 10, 10) and g.intersection(a, (11, 0, 12, 1)) is None
    assert g.iou(a, b) == pytest.approx(25 / (100 + 150 - 25))
    assert g.overlap_of(a, b) == 0.25 and g.overlap_of((6, 6, 8, 8), a) == 1.0
    assert g.contains(a, (1, 1, 9, 9)) and not g.contains(a, b) and g.contains(a, (0, 0, 10.5, 10), tol=0.5)
    assert g.y_overlap_ratio((0, 0, 1, 10), (5, 5, 6, 8)) == 1.0 and g.x_overlap(a, b) == 5
    with pytest.raises(ValueError):
        g.union([])


def test_points_pixels_round_trip():
    assert g.points_to_pixels(72, 300) == 300 and g.pixels_to_points(300, 300) == 72
    assert g.bbox_to_points(g.bbox_to_pixels((1.5, 2, 3, 4), 217), 217) == pytest.approx((1.5, 2, 3, 4))


@pytest.mark.parametrize("rotation, corner", [(0, (0, 0)), (90, (200, 0)), (180, (100, 200)), (270, (0, 100))])
def test_frame_maps_top_left_of_user_space(rotation, corner):
    f = g.PageFrame((10, 20, 110, 220), rotation)  # 100 x 200 crop box, offset
    assert f.size == ((200, 100) if rotation in (90, 270) else (100, 200))
    assert f.point(10, 220) == pytest.approx(corner)  # user top-left of the crop box


def test_frame_clips_crop_box_to_media_box():
    f = g.PageFrame((0, 0, 600, 900), 0, mediabox=(0, 0, 600, 800))
    assert f.size == (600, 800) and f.point(0, 800) == (0, 0)
