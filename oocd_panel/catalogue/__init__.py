"""Reference data, each table in one home that forms, letters and reports all read: what each
disposal means (`disposals`), offence types, ethnicity codes, the interventions a child may do,
the inspectorate's audit standards and the pre-panel assessment's sections. It imports nothing
else of the product."""
