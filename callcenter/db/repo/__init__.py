"""Query functions, one module per table family; keyword-only, no SQL anywhere else."""
