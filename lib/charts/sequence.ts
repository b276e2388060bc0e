// The sequence chart's figures: sends per step and the change from the step before.
import type { DashboardResponse } from '@/lib/dashboard/response';

export type SequenceStep = DashboardResponse['sequence'][number];

/**
 * Each step with the share lost since the step before (`drop`: 0.25 = a quarter fewer sends; negative
 * when the step has more sends than the one before) and its label: "−25 %", "+3 %", "±0 %". The
 * first step, and a step after one with no sends, have no drop and no label.
 */
export function dropOffs(sequence: SequenceStep[]) {
  return sequence.map((step, i) => {
    const before = i > 0 ? sequence[i - 1]?.sends ?? 0 : 0;
    const drop = before === 0 ? null : (before - step.sends) / before;
    return { ...step, label: `Email ${step.step}`, drop, dropLabel: changeLabel(drop) };
  });
}

function changeLabel(drop: number | null): string {
  if (drop === null) return '';
  const percent = Math.round(Math.abs(drop) * 100);
  if (percent === 0) return '±0\u00a0%';
  return `${drop > 0 ? '−' : '+'}${percent}\u00a0%`;
}
