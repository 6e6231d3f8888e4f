export function main(_argv: string[]): Promise<number> {
  return Promise.resolve(2);
}
