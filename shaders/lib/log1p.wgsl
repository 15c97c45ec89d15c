// Library (no bindings): log(1 + x) in f32 for x > −1, accurate to a few ulp relative everywhere.
//
// The usual trick log(u)·x/(u − 1) with u = 1 + x fails here: the shader compiler may fold (1+x)−1
// into x. Instead, near 0 log(1 + x) = 2·atanh(y) with y = x/(2 + x), which nothing cancels in: for
// x in [−½, 1], |y| ≤ ⅓ and eight terms of the odd series leave < 2e-9 relative. Outside that range
// log(1 + x) itself loses nothing: 1 + x is exact for x in [−1, −½] (Sterbenz), and for x > 1 its
// rounding changes the logarithm by < 1e-7 relative.

fn log1p(x: f32) -> f32 {
  if (x < -0.5 || x > 1.0) { return log(1.0 + x); }
  let y = x / (2.0 + x);
  let y2 = y * y;
  let series = 1.0 + y2 * (1.0 / 3.0 + y2 * (1.0 / 5.0 + y2 * (1.0 / 7.0 + y2 * (1.0 / 9.0 + y2 * (1.0 / 11.0
    + y2 * (1.0 / 13.0 + y2 * (1.0 / 15.0)))))));
  return 2.0 * y * series;
}
