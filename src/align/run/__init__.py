"""``align run``: the whole pipeline on one document, one room per job.

- :mod:`align.run.model`: the data model, exactly what ``scores.json`` holds (the report
  imports only this);
- :mod:`align.run.inputs`: the source document (detection), targets and references;
- :mod:`align.run.rows`: beads composed into the rows of the side-by-side view, and flags;
- :mod:`align.run.analyse`: align and score one target;
- :mod:`align.run.outputs`: the files in OUTDIR, checkpoints;
- :mod:`align.run.pipeline`: :func:`~align.run.pipeline.run_pipeline`, the order of the stages.

Nothing is imported here, so that importing the model does not import the pipeline.
"""
