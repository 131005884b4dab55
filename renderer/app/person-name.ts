/** DICOM PN "Family^Given^Middle^Prefix^Suffix" as people write it: "Family, Given Middle". */
export function formatPersonName(pn: string): string {
  if (!pn.includes('^')) return pn.trim();
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = pn
    .split('=')[0]!
    .split('^');
  const first = [prefix, given, middle]
    .map((p) => p.trim())
    .filter(Boolean)
    .join(' ');
  const name = [family.trim(), first].filter(Boolean).join(', ');
  return suffix.trim() ? `${name} ${suffix.trim()}` : name;
}
