import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FingerSlotView } from '../../../../../app/contract/cases';
import { diagram, fingerKey, fingerSequence, fingerShape, fingertip, palmCentre, slotDisplay, type SlotDisplay } from './fingers';

const stateKeys: Record<SlotDisplay, string> = {
  pending: 'capture.fingers.state.pending',
  current: 'capture.fingers.state.current',
  captured: 'capture.fingers.state.captured',
  exception: 'capture.fingers.state.exception',
  decision: 'capture.fingers.state.decision',
};

/**
 * Two hands seen from above, palms down, the applicant's right hand on the
 * right. Each finger is a button (click, Enter or Space) coloured by its
 * state, with the state also in its accessible name and a mark drawn on it
 * (tick, cross, "!"), so colour is never the only cue.
 */
export function HandDiagram({
  slots,
  current,
  onSelect,
  highlight = [],
}: {
  slots: readonly FingerSlotView[];
  current: number | null;
  onSelect: (position: number) => void;
  /** The fingers of the slap being taken: outlined together, each marked as part of it. */
  highlight?: readonly number[];
}) {
  const { t } = useTranslation();
  const byPosition = new Map(slots.map((s) => [s.position, s]));
  const key = (position: number) => (event: KeyboardEvent<SVGGElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      event.stopPropagation();
      onSelect(position);
    }
  };
  return (
    <svg
      className="hands"
      viewBox={`0 0 ${diagram.width} ${diagram.height}`}
      role="group"
      aria-label={t('capture.fingers.diagramLabel')}
      // Hands are physical: the diagram does not mirror in a right-to-left language.
      style={{ direction: 'ltr' }}
      data-testid="hand-diagram"
    >
      {(['left', 'right'] as const).map((hand) => (
        <g key={hand} className="hands__hand">
          <rect className="hands__palm" x={palmCentre[hand] - 70} y={140} width={140} height={140} rx={48} />
          <text className="hands__label" x={palmCentre[hand]} y={228} textAnchor="middle">
            {t(hand === 'right' ? 'capture.fingers.rightHand' : 'capture.fingers.leftHand')}
          </text>
        </g>
      ))}
      {highlight.length > 0 ? <SlapOutline positions={highlight} /> : null}
      {fingerSequence.map((position) => {
        const slot = byPosition.get(position);
        if (slot === undefined) return null;
        const shape = fingerShape(position);
        const state = slotDisplay(slot, current);
        const name = t(fingerKey(position));
        const selected = position === current || highlight.includes(position);
        return (
          <g
            key={position}
            className={`hands__finger hands__finger--${state}${selected ? ' hands__finger--selected' : ''}`}
            transform={`translate(${shape.baseX} ${shape.baseY}) rotate(${shape.angle})`}
            role="button"
            tabIndex={0}
            aria-label={`${name}: ${t(stateKeys[state])}`}
            aria-current={selected ? 'step' : undefined}
            data-finger={position}
            data-state={state}
            data-in-slap={highlight.includes(position) || undefined}
            onClick={() => onSelect(position)}
            onKeyDown={key(position)}
          >
            <rect x={-shape.width / 2} y={-shape.length} width={shape.width} height={shape.length + 6} rx={shape.width / 2} />
            <FingerMark state={state} y={-shape.length + shape.width / 2 + 4} />
          </g>
        );
      })}
    </svg>
  );
}

/** A dashed outline round the slap's fingers (their bases and tips), so the diagram shows which fingers go down together. */
function SlapOutline({ positions }: { positions: readonly number[] }) {
  const points = positions.flatMap((p) => {
    const shape = fingerShape(p);
    const tip = fingertip(shape);
    return [
      { x: shape.baseX, y: shape.baseY },
      { x: tip.x, y: tip.y },
    ];
  });
  const margin = 22;
  const x = Math.min(...points.map((p) => p.x)) - margin;
  const y = Math.min(...points.map((p) => p.y)) - margin;
  const width = Math.max(...points.map((p) => p.x)) + margin - x;
  const height = Math.max(...points.map((p) => p.y)) + margin - y;
  return (
    <rect
      className="hands__slap"
      x={x}
      y={y}
      width={width}
      height={height}
      rx={24}
      fill="none"
      stroke="currentColor"
      strokeWidth={3}
      strokeDasharray="8 6"
      data-testid="hand-slap-outline"
      aria-hidden="true"
    />
  );
}

function FingerMark({ state, y }: { state: SlotDisplay; y: number }) {
  if (state === 'captured') return <path className="hands__mark" d={`M -6 ${y} l 4 5 l 8 -10`} />;
  if (state === 'exception') return <path className="hands__mark" d={`M -5 ${y - 5} l 10 10 M 5 ${y - 5} l -10 10`} />;
  if (state === 'decision')
    return (
      <text className="hands__mark-text" x={0} y={y + 5} textAnchor="middle">
        !
      </text>
    );
  return null;
}
