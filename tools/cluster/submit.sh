#!/bin/bash
# Submits a batch as a Slurm job array of N shards and a merge that waits for all of them.
#   usage: tools/cluster/submit.sh EXPERIMENT.yaml N [OUT]     (OUT: results/<name>, no .h5)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EXP=${1:?usage: submit.sh EXPERIMENT.yaml N [OUT]}
N=${2:?usage: submit.sh EXPERIMENT.yaml N [OUT]}
OUT=${3:-results/$(basename "$EXP" .yaml)}
export EXP OUT SHARDS=$N
array=$(sbatch --parsable --export=ALL --array=1-"$N" "$here/array.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency=afterok:"${array%%;*}" "$here/merge.sbatch")
echo "array job $array ($N shards), merge job $merge -> ${OUT}.h5"
