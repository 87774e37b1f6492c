"""The DPO's office: data-subject requests and personal-data breaches (later the record of processing, DPIAs,
processors and transfers)."""
