-- The account a source binds an input to: the same bytes bound to two accounts are two inputs.
alter table ops.load add column if not exists bound_account varchar;
comment on column ops.load.bound_account is 'platform:account_id the input was bound to by its source or --account (NULL when the file names its account). An input is skipped as already loaded only when the same bytes were loaded with the same binding: a chart export that does not name its account can be byte-identical for two accounts.';
