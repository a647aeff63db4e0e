/** Problems found while reading a file, each as "path: what is wrong". */
export class Problems {
  readonly list: string[] = [];

  add(path: string, message: string): undefined {
    this.list.push(path ? `${path}: ${message}` : message);
    return undefined;
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** "services.db" + "image" → "services.db.image"; list items as "command[1]". */
export function pathOf(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}
