"""Plumbing every other package stands on: settings (`config`), time (`clock`), the errors a user
can read (`errors`), cleaning typed text (`text_input`), the database engine and sessions (`db`)
and the one unit of work a use case commits or rolls back in (`unit_of_work`). It imports
nothing else of the product."""
