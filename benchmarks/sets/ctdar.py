"""cTDaR 2019 modern Track B2 pages: images with cell outlines (pixels) and neighbour relations, no text.

``ctdar2019`` is the 14 Chinese pages, held out: reported, never tuned on. ``ctdar2019-b2`` is the 86
other pages (English and mixed, many rendered at about 96 dpi), the set the raster path is tuned on;
its figures are in-sample.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from benchmarks.sets import BenchSet, Sample, evaldata_dir

Box = tuple[float, float, float, float]


FOLDERS = {"ctdar2019": "ctdar2019_modern_zh", "ctdar2019-b2": "ctdar2019_modern_b2_other"}


def samples(bench: BenchSet) -> list[Sample]:
    root = evaldata_dir() / FOLDERS[bench.name]
    out = []
    for xml in sorted((root / "annotations").glob("*.xml")):
        image = root / "images" / ET.parse(xml).getroot().get("filename", xml.stem + ".jpg")
        if image.exists():
            out.append(Sample(bench.name, xml.stem, str(image), "image", str(xml)))
    return out


def _points_to_box(points: str) -> Box:
    xy = [tuple(float(v) for v in p.split(",")) for p in points.split()]
    xs, ys = [p[0] for p in xy], [p[1] for p in xy]
    return (min(xs), min(ys), max(xs), max(ys))


def truth_cells(xml: str | Path) -> list[Box]:
    """Every annotated cell outline on the page, all tables together, in image pixels."""
    root = ET.parse(xml).getroot()
    out = []
    for cell in root.iter("cell"):
        coords = cell.find("Coords")
        if coords is not None and coords.get("points"):
            out.append(_points_to_box(coords.get("points")))
    return out
