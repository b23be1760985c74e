// The part of jstat (https://github.com/jstat/jstat, v1.9) this project calls; jstat ships no types.
declare module 'jstat' {
  interface JStat {
    normal: {
      pdf(x: number, mean: number, std: number): number;
      cdf(x: number, mean: number, std: number): number;
      inv(p: number, mean: number, std: number): number;
    };
  }
  const jstat: { jStat: JStat };
  export default jstat;
}
