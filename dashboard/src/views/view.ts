/** What every view receives, and the shape of a view module. */
import type { DataSource } from '../data';
import type { DateRange, Route, ViewName } from '../route';

export interface ViewContext {
  route: Route;
  range: DateRange;
  data: DataSource;
  /** Changes filters of the current view (null removes one); pushes a history entry (deep link). */
  navigate(patch: Record<string, string | null | undefined>, view?: ViewName): void;
  /** The link for a view + params, for real <a href> elements (open in new tab, copy link). */
  href(patch: Record<string, string | null | undefined>, view?: ViewName): string;
}

export interface View {
  name: ViewName;
  title: string;
  /** Builds the view's content; charts are activated after it is attached. */
  render(ctx: ViewContext): Promise<HTMLElement>;
}
