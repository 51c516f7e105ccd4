"""The content checks of CONTRACT.md §4, one small function per finding code.

`pair`: the aligned passage every sentence check reads; `facts`: numbers, dates,
names; `wording`: hedges, negations, rewording; `quoting`: direct quotations;
`structure`: headline, cuts, insertions. drift.content runs them in order.
"""
