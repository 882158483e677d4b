/** Labels for points beyond the data. */

/** Labels for n points after the data: next months or days when the labels are dates, else +1, +2, … */
export function futureLabels(labels: string[], n: number): string[] {
  const last = labels[labels.length - 1] ?? '';
  const month = /^(\d{4})-(\d{2})$/.exec(last);
  if (month) {
    let y = Number(month[1]), m = Number(month[2]);
    return Array.from({ length: n }, () => {
      m++;
      if (m > 12) { m = 1; y++; }
      return `${y}-${String(m).padStart(2, '0')}`;
    });
  }
  const day = /^\d{4}-\d{2}-\d{2}$/.test(last) && labels.length > 1 ? Date.parse(last) - Date.parse(labels[labels.length - 2]) : NaN;
  if (Number.isFinite(day) && day > 0) return Array.from({ length: n }, (_, k) => new Date(Date.parse(last) + (k + 1) * day).toISOString().slice(0, 10));
  return Array.from({ length: n }, (_, k) => `+${k + 1}`);
}
