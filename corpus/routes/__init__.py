"""Independent corpus routes: the same form content printed by other hands than ``corpus.render``.

- ``xlsx``: authored as a workbook with openpyxl, printed by LibreOffice Calc headless;
- ``html``: authored as HTML tables, printed by headless Chromium.
They share only the content model (``corpus.content``) and the truth format (``corpus.truth``) with the
main corpus; layout (``grid``), wording (``wording``) and printing are their own. ``build`` writes the
documents of a split (``tune`` / ``heldout``, see ``styles``).
"""
