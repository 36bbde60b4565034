"""Open data for the directory: Open Referral HSDS, and CSV export and import."""
