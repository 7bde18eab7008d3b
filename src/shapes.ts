/** The two shapes every layer measures images with: a size, and an axis-aligned rectangle in pixels. */
export interface Size {
  width: number;
  height: number;
}

/** x,y is the top-left corner. */
export interface Rect extends Size {
  x: number;
  y: number;
}
