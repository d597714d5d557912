/** React 19 moves a <title> rendered anywhere into the document head; one per page. */
export function PageTitle({ children }: { children: string }) {
  return <title>{`${children} · Balcão`}</title>;
}
