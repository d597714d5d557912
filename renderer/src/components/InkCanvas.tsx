import { useEffect, useRef } from 'react';
import type { InkPoint } from '../../../app/contract/cases';
import { useController } from '../station/context';
import { probe, type ProbeSample } from './bench-probe';
import { InkSequencer, lastPoint, segmentsFor, type InkBatch, type Segment } from './ink';
import './InkCanvas.css';

interface Pending {
  batch: InkBatch;
  arrived: number;
}

/**
 * The pad's ink as the applicant writes it: follows capture.ink for one case
 * and purpose ('consent' or 'signature'), queues each batch as it arrives and
 * draws everything queued in the next animation frame (pressure → line
 * width; `clear` wipes first). Every point taken is kept, so a resize or a
 * change of pixel ratio redraws the whole signature sharply.
 *
 * With `?bench=1` each batch's arrival and paint times go to
 * window.__balcaoInkTimings (components/bench-probe.ts).
 */
export function InkCanvas({
  caseId,
  purpose,
  label,
  aspect = 800 / 480,
  resetKey = 0,
  onInk,
  testId,
}: {
  caseId: string;
  purpose: 'consent' | 'signature';
  /** The accessible name of the drawing ("The applicant's signature as written"). */
  label: string;
  /** Width ÷ height of the pad's display area (the points are scaled 0…1 over it). */
  aspect?: number;
  /** Change it to wipe the canvas (a new capture starting). */
  resetKey?: number;
  /** Told whether any ink is on the canvas, when that changes. */
  onInk?: (hasInk: boolean) => void;
  testId?: string;
}) {
  const controller = useController();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const onInkRef = useRef(onInk);
  useEffect(() => {
    onInkRef.current = onInk;
  });

  // All drawing state lives in one ref: the canvas is imperative and React never re-renders for ink.
  const ink = useRef({
    pending: [] as Pending[],
    points: [] as InkPoint[],
    previous: null as InkPoint | null,
    sequencer: new InkSequencer(),
    frame: 0,
    hasInk: false,
  });

  useEffect(() => {
    const state = ink.current;
    const canvas = canvasRef.current;
    if (canvas === null) return;
    const context = canvas.getContext('2d');
    if (context === null) return;
    const timings = probe('__balcaoInkTimings');

    const setHasInk = (value: boolean) => {
      if (state.hasInk === value) return;
      state.hasInk = value;
      onInkRef.current?.(value);
    };

    const paint = (segments: readonly Segment[]) => {
      context.strokeStyle = '#10243a';
      context.fillStyle = '#10243a';
      context.lineCap = 'round';
      context.lineJoin = 'round';
      for (const s of segments) {
        if (s.x0 === s.x1 && s.y0 === s.y1) {
          context.beginPath();
          context.arc(s.x1, s.y1, s.width / 2, 0, Math.PI * 2);
          context.fill();
        } else {
          context.lineWidth = s.width;
          context.beginPath();
          context.moveTo(s.x0, s.y0);
          context.lineTo(s.x1, s.y1);
          context.stroke();
        }
      }
    };

    const wipe = () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      state.points = [];
      state.previous = null;
      setHasInk(false);
    };

    const redrawAll = () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      paint(segmentsFor(null, state.points, canvas.width, canvas.height));
    };

    const drawPending = () => {
      state.frame = 0;
      const batches = state.pending;
      state.pending = [];
      for (const { batch } of batches) {
        if (batch.clear) wipe();
        paint(segmentsFor(state.previous, batch.points, canvas.width, canvas.height));
        for (const p of batch.points) state.points.push(p);
        state.previous = lastPoint(state.previous, batch.points);
        if (batch.points.some((p) => p.down)) setHasInk(true);
      }
      if (timings !== null) {
        const painted = performance.now();
        for (const { batch, arrived } of batches) {
          const sample: ProbeSample = { seq: batch.seq, arrived, painted, size: batch.points.length };
          timings.push(sample);
        }
      }
    };

    // The backing store follows the element's size × device pixel ratio, so lines stay sharp.
    const fit = () => {
      const ratio = window.devicePixelRatio || 1;
      const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
      const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
      if (canvas.width === width && canvas.height === height) return;
      canvas.width = width;
      canvas.height = height;
      redrawAll();
    };
    fit();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(fit);
    observer?.observe(canvas);

    const off = controller.api.on['capture.ink']((event) => {
      if (event.caseId !== caseId || event.purpose !== purpose) return;
      const arrived = performance.now();
      if (!state.sequencer.accept(event)) return;
      state.pending.push({ batch: event, arrived });
      if (state.frame === 0) state.frame = requestAnimationFrame(drawPending);
    });

    return () => {
      off();
      observer?.disconnect();
      if (state.frame !== 0) cancelAnimationFrame(state.frame);
      state.frame = 0;
    };
  }, [controller, caseId, purpose]);

  // A new capture: start from a clean canvas and a fresh sequence.
  useEffect(() => {
    const state = ink.current;
    const canvas = canvasRef.current;
    state.pending = [];
    state.points = [];
    state.previous = null;
    state.sequencer.reset();
    if (state.hasInk) {
      state.hasInk = false;
      onInkRef.current?.(false);
    }
    canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  }, [resetKey]);

  return (
    <div className="ink-canvas" style={{ aspectRatio: String(aspect) }} data-testid={testId}>
      <canvas ref={canvasRef} className="ink-canvas__surface" role="img" aria-label={label} />
    </div>
  );
}
