"""The human steps of normative documents, in the same inbox as decision tasks (issue 5 §2).

A document's lifecycle is a ``viewflow.fsm`` field and filing and cleanup are status records,
so none of their steps is a viewflow Task. This module is the inbox source that lists them.
Each step is one branch of a single ``UNION ALL`` query: the whole source costs one SQL query
however many items it finds. Who sees a step is decided in SQL from the person's (role, unit)
grants, with the same roles the services and ``permissions.py`` require for that step:

==================== ================================== ===================================
step                 waiting when                       offered to (role for which unit)
==================== ================================== ===================================
legality_review      current review has no outcome      legal_advisor, drafting unit (115号)
amendments           review asked for amendments        drafter, drafting unit
send_to_deliberation review lawful / amendments made    drafter, drafting unit
deliberation         in deliberation, none adopted      meeting_secretary / unit_head
                                                        (government office: its government's
                                                        meeting_secretary)
register             adopted, not yet numbered          publisher, drafting unit (三统一)
publish              registered and numbered            publisher, drafting unit
renewal              an expiry notice clock is running  unit_head / principal, drafting unit
filing_submit        filing due or returned (补正)       publisher / unit_head / principal
filing_outcome       filed outside: receipt, outcome     publisher / unit_head / principal
filing_review        filing received                    filing_reviewer, receiving government
filing_correction    correction requested (有错必纠)      drafter / unit_head / principal
cleanup              the body has undecided items       drafter / unit_head, drafting body
cleanup_close        every item decided, still open     legal_advisor, the government
==================== ================================== ===================================

Due dates are the running clocks (workflows.clocks Deadline) of the step, read by a subquery;
a renewal is due on the last day of the validity period.

The query is built with the ORM once per process (per set of content-type ids) and kept as
SQL: building twelve branches cost far more than running them. Who holds which role comes in
as a common table expression ``inbox_grants`` (permission codename, unit id): either the
grants the inbox read for the request (``RoleGrants``), or read from guardian's table inside
the same query when the source is called alone. The rows come out in inbox order with their
total, so the inbox page reads only the items it shows.
"""

from .query import normdoc_inbox_items, normdoc_inbox_rows

__all__ = ["normdoc_inbox_items", "normdoc_inbox_rows"]
