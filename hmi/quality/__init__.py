"""Quality statistics, rolls (coils) and the line's headline figures. Qt-free.

- capability.py: Cp/Cpk (within-scan σ) and Pp/Ppk (overall σ) against the recipe's tolerance;
- film.py: the figures of a stretch of film (a roll, the last minutes) folded in scan by scan;
- rolls.py: cutting the film into rolls at exact metres, one record per roll;
- roll_store.py: roll records in the embedded store, append-only, committed before they count;
- monitor.py: the runtime's sample sink that feeds all of it from the gauge's scans;
- kpis.py: headline figures with their assumptions and public references;
- report.py: a roll's report as CSV and PDF (fpdf2).
"""
