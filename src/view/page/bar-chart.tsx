/**
 * A horizontal stacked bar chart drawn as SVG: one row per label, its segments
 * coloured by kind (CSS classes `bar-<kind>`), a note at its end, a legend above.
 * Labels are SVG text nodes, so stored names render as text.
 */
import { oneLine } from "./format.js";

export interface BarSegment {
  readonly kind: string;
  readonly value: number;
}

export interface BarRow {
  readonly label: string;
  readonly segments: readonly BarSegment[];
  /** Written after the bar (a total, a cost). */
  readonly note?: string | undefined;
}

const labelWidth = 190;
const barWidth = 460;
const noteWidth = 150;
const rowHeight = 26;

export function BarChart(props: {
  rows: readonly BarRow[];
  legend: readonly { readonly kind: string; readonly label: string }[];
  title: string;
}) {
  const { rows, legend } = props;
  const largest = Math.max(1, ...rows.map((row) => row.segments.reduce((sum, segment) => sum + segment.value, 0)));
  const height = rows.length * rowHeight + 8;
  return (
    <figure class="chart">
      <figcaption>
        {legend.map((entry) => (
          <span class="legend" key={entry.kind}>
            <svg width="12" height="12" aria-hidden="true">
              <rect class={`bar-${entry.kind}`} width="12" height="12" rx="2" />
            </svg>
            {entry.label}
          </span>
        ))}
      </figcaption>
      <svg
        class="bar-chart"
        role="img"
        aria-label={props.title}
        viewBox={`0 0 ${labelWidth + barWidth + noteWidth} ${height}`}
        width={labelWidth + barWidth + noteWidth}
        height={height}
      >
        {rows.map((row, index) => {
          const y = index * rowHeight + 4;
          let x = labelWidth;
          return (
            <g key={row.label} class="bar-row">
              <text x={labelWidth - 8} y={y + 16} text-anchor="end" class="bar-label">
                {oneLine(row.label, 28)}
              </text>
              {row.segments.map((segment) => {
                const width = (segment.value / largest) * barWidth;
                const rect = (
                  <rect
                    key={segment.kind}
                    class={`bar-${segment.kind}`}
                    x={x}
                    y={y}
                    width={width}
                    height={rowHeight - 8}
                  >
                    <title>{`${segment.kind}: ${segment.value.toLocaleString("en-US")}`}</title>
                  </rect>
                );
                x += width;
                return rect;
              })}
              <text x={x + 6} y={y + 16} class="bar-note">
                {row.note ?? ""}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
