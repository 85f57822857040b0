"""Use cases as plain functions, one module (or package) per feature: each takes a database
session and the acting user, checks what that user may do, and runs its change in one
`unit_of_work`. `actions.take_action` is the one function every change of a case's status goes
through; `audit_trail` writes and verifies the record of who saw and changed what."""
