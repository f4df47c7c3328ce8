import { kmeans } from 'ml-kmeans';

// ESM-only packages (ml-kmeans and its ml-* dependencies) must load under jest: jest.config.js
// compiles them to CommonJS with @swc/jest. This fails the day that configuration breaks.
test('ml-kmeans (ESM-only) loads and clusters two obvious groups', () => {
  const points = [
    [0, 0],
    [0, 1],
    [1, 0],
    [10, 10],
    [10, 11],
    [11, 10],
  ];
  const result = kmeans(points, 2, { seed: 42, initialization: 'kmeans++' });
  const [a, b] = [result.clusters.slice(0, 3), result.clusters.slice(3)];
  expect(new Set(a).size).toBe(1);
  expect(new Set(b).size).toBe(1);
  expect(a[0]).not.toBe(b[0]);
});
