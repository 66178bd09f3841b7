"""Generated documents of the declared forms (项目支出绩效目标表, 部门收支总表, 一般公共预算支出表) with truth.

Each generator prints labels in wordings of its own: a ``seen`` list (what one city prints) and a
``held_out`` list that no declaration's synonyms contain (other cities' wordings, abbreviated, with a
remark in full-width brackets); the held-out split draws only from the latter. ``python -m corpus.forms``.
"""
