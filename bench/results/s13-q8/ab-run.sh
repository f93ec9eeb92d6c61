#!/bin/bash
# interleaved A/B: base13 (2736eb6) vs s13-q8 (= main 6e5ef75), q8 driver+embedded, phases + process info
export BENCH_PROCESS_INFO=1 BENCH_PHASES=1
A="--workload nexmark-q8 --impl braid-driver,braid-embedded --records 300000 --runs 3 --warmup-seconds 1 --processes 1"
for r in 1 2 3; do
  for side in $( [ $((r%2)) = 1 ] && echo "base new" || echo "new base" ); do
    if [ $side = base ]; then cd /work/runs/base13; dll=bench/Braid.Bench/bin/Release/net10.0/Braid.Bench.dll
    else cd /work/wt/s13-q8; dll=bench/Braid.Bench/bin/Release/net10.0/Braid.Bench.dll; fi
    echo "=== round $r $side $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    nice -n -19 dotnet $dll $A --out /tmp/s13-q8/ab/out-$side-$r > /tmp/s13-q8/ab/log-$side-$r.txt 2>&1
  done
done
echo "=== end $(date -u +%T) $(uptime | sed 's/.*load/load/')"
