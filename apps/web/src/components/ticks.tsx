const labels = { sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read' } as const;
const glyphs = { sending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓' } as const;

/** Sent / delivered / read of my message in a DM or group. */
export function Ticks({ tick }: { tick: keyof typeof labels }) {
  return (
    <span className={`ticks is-${tick}`} data-tick={tick} title={labels[tick]}>
      <span aria-hidden="true">{glyphs[tick]}</span>
      <span className="visually-hidden">{labels[tick]}</span>
    </span>
  );
}
