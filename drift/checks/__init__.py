"""The content checks of CONTRACT.md §4, one small function per finding code.

`pair` holds the aligned passage pair every sentence-level check reads;
`facts` numbers, dates and names; `wording` hedges, negations and rewording;
`quoting` direct quotations; `structure` headline, cuts and insertions.
drift.content runs them in order.
"""
