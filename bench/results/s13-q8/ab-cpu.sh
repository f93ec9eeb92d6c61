#!/bin/bash
export BENCH_PROCESS_INFO=1
A="--workload nexmark-q8 --impl braid-embedded --records 300000 --runs 3 --warmup-seconds 1 --processes 1"
i=0
for side in base new new base base new; do i=$((i+1))
  if [ $side = base ]; then cd /work/runs/base13; else cd /work/wt/s13-q8; fi
  echo "=== $i $side $(date -u +%T) $(uptime | sed 's/.*load/load/')"
  nice -n -19 dotnet bench/Braid.Bench/bin/Release/net10.0/Braid.Bench.dll $A --child-json /tmp/s13-q8/ab/cpu-$i-$side.json > /tmp/s13-q8/ab/cpu-$i-$side.log 2>&1
done
