-- metrics.catalog: the metric catalog, recreated by every build after the models; the build
-- inserts the rows of sql/seeds/metric_catalog.csv (every column as text, as written there).
create or replace table metrics.catalog (
    metric varchar,
    objective varchar,
    "table" varchar,
    "column" varchar,
    formula varchar,
    numerator varchar,
    denominator varchar,
    unit varchar,
    description_en varchar,
    description_id varchar,
    caveats varchar
);
comment on table metrics.catalog is 'Each row is one metric: where it lives (table, column), its formula, unit and descriptions in English and Indonesian. Mirrors METRICS.md.';
comment on column metrics.catalog."metric" is 'Metric name (METRICS.md).';
comment on column metrics.catalog."objective" is 'Objective id: awareness, traffic, community, conversion, insights, leads.';
comment on column metrics.catalog."table" is 'Metric table in schema metrics (daily; _weekly and _monthly share the column).';
comment on column metrics.catalog."column" is 'Column holding the metric in that table.';
comment on column metrics.catalog."formula" is 'Formula as METRICS.md states it.';
comment on column metrics.catalog."numerator" is 'Base measure in the numerator (ratios only).';
comment on column metrics.catalog."denominator" is 'Base measure in the denominator (ratios only).';
comment on column metrics.catalog."unit" is 'count, fraction, currency or seconds.';
comment on column metrics.catalog."description_en" is 'What the metric means, in English.';
comment on column metrics.catalog."description_id" is 'Arti metrik, dalam bahasa Indonesia.';
comment on column metrics.catalog."caveats" is 'Platform differences and limits analysts should know.';
