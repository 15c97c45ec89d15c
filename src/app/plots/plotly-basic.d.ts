// The basic partial bundle (scatter + bar) has the full library's API for those traces, so it
// borrows the types of @types/plotly.js.
declare module 'plotly.js-basic-dist-min' {
  import * as Plotly from 'plotly.js';
  export default Plotly;
}
