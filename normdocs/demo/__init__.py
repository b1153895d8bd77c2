"""Demo data for normative documents, from the seed report (乌恰县2021年度法治政府建设工作报告):
the drafting-body list confirmed in 2021 (54 bodies), the 2021 cleanups — three special ones
(《行政处罚法》, 计划生育, 《外商投资法》) and the regular biennial one: 14 documents checked, 8
continue, 6 repealed, the lists published on the county website — four filings from townships
and departments reviewed by the county, documents in force with real-looking numbers, and one
document whose validity ends within the month (due for renewal). No document was issued in the
name of the county government or its office in 2021, as the seed says; one of 2022 is filed
outside the installation, with the prefecture government and the county's standing committee.

Every row is written through the services, back-dated to the day each act was done (the
services take that date), so the demo also has its full record and the 2021 report counts
each act on its own day. Idempotent: each part is skipped when it is already there.
"""

from .data import CLEANUP_TITLE
from .parts import load

__all__ = ["CLEANUP_TITLE", "load"]
