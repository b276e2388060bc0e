#!/bin/bash
# re-create new1m from base1m with the current migrations
export PGURL=postgresql://postgres:postgres@127.0.0.1:55432/scratch
psql $PGURL -qc "drop database if exists new1m" -c "create database new1m template base1m" && DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:55432/new1m npm run migrate -- --yes 2>&1 | grep -iE "error|fail"; psql postgresql://postgres:postgres@127.0.0.1:55432/new1m -qc "vacuum analyze"
