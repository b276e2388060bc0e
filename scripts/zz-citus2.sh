# reset scratch citus and migrate
/work/shared/citus/cluster.sh stop /work/scratch/citus >/dev/null 2>&1; rm -rf /work/scratch/citus
/work/shared/citus/cluster.sh start /work/scratch/citus 9800 2 dev >/dev/null 2>&1 && npx tsx scripts/zz-citus.mts 2>&1 | tail -3
