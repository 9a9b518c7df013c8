"""The SEND mediation line application: settings, database, domain logic, web app."""
