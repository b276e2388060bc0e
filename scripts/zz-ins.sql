  insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
  select c.workspace_id, c.campaign_name,
         format('%s.%s@%s', (array['alex','sam','maria','li','noah','emma','omar','yuki','lea','raj'])[1 + (k % 10)], k,
                (array['example.com','mail.test','acme.io','corp.dev','shop.net','uni.edu'])[1 + (k % 6)]),
         (array['sent','sent','sent','opened','opened','clicked','replied'])[1 + (hashint4(g * 7 + :salt) & 65535) % 7],
         1 + (hashint4(g * 11 + :salt) & 65535) % 5,
         now() - make_interval(secs => (hashint4(g * 13 + :salt) & 65535) % 600)
  from generate_series(1, :n) g
  cross join lateral (select (hashint4(g + :salt) & 2147483647) % 11111 as k) kk
  join (select row_number() over (order by workspace_id, campaign_name) - 1 as i, count(*) over () as n, workspace_id, campaign_name
        from (select distinct workspace_id, campaign_name from public.mv_daily_stats) d) c
    on c.i = (hashint4(g * 3 + :salt) & 65535) % c.n;
