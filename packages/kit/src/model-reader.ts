import { ident, PREPARED, type Database, type SqlStatement } from './prisma.js';

interface RuntimeField {
  name: string;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  dbName?: string | null;
}

interface RuntimeModel {
  fields: RuntimeField[];
  dbName?: string | null;
}

/** What Prisma knows of its models; the generated client carries it (Prisma 7). */
interface WithDataModel {
  _runtimeDataModel?: { models: Record<string, RuntimeModel> };
}

/** Types node-postgres returns as Prisma does: strings, numbers, booleans, Dates (timestamptz), parsed JSON. */
const READABLE = new Set(['String', 'Int', 'Float', 'Boolean', 'DateTime', 'Json']);

export interface ModelReader<Row> {
  /** The rows whose `field` is one of `values`, as `findMany({ where: { [field]: { in: values } } })` returns them. */
  whereIn(field: keyof Row & string, values: readonly unknown[]): Promise<Row[]>;
  /**
   * Whole rows chosen by a statement's tail (`WHERE … ORDER BY … LIMIT …`, with `$1`-numbered
   * values, as `Prisma.sql` builds it), prepared once per text: for the hot lists of a domain.
   */
  select(tail: SqlStatement): Promise<Row[]>;
}

function columnsOf(modelName: string, model: RuntimeModel): { select: string; column: (field: string) => string } {
  const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
  for (const f of scalars) {
    if (f.kind === 'scalar' && !READABLE.has(f.type)) {
      throw new Error(
        `${modelName}.${f.name} is ${f.type}: read it through Prisma, node-postgres returns it otherwise`,
      );
    }
  }
  const columns = new Map(scalars.map((f) => [f.name, f.dbName ?? f.name]));
  const select = scalars.map((f) => `${ident(columns.get(f.name)!)} AS ${ident(f.name)}`).join(', ');
  return {
    select,
    column: (field) => {
      const column = columns.get(field);
      if (!column) throw new Error(`${modelName} has no scalar field ${field}`);
      return column;
    },
  };
}

interface Waiter<Row> {
  values: readonly unknown[];
  resolve(rows: Row[]): void;
  reject(err: unknown): void;
}

/**
 * The `whereIn` reads of one field asked in the same turn of the event loop, sent as one
 * statement: the parts of a merged call (each with its own context and DataLoaders) then read
 * their rows together. Rows only: each part's resolvers still decide, with its own viewer, what
 * of them it may see.
 */
class CoalescedRead<Row> {
  private waiting: Waiter<Row>[] = [];

  constructor(
    private readonly field: string,
    private readonly query: (values: unknown[]) => Promise<Row[]>,
  ) {}

  read(values: readonly unknown[]): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ values, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    if (waiting.length === 1) {
      const [only] = waiting as [Waiter<Row>];
      this.query([...only.values]).then(only.resolve, only.reject);
      return;
    }
    const all = [...new Set(waiting.flatMap((w) => w.values))];
    this.query(all).then(
      (rows) => {
        const byValue = new Map<string, Row[]>();
        for (const row of rows) {
          const key = String((row as Record<string, unknown>)[this.field]);
          const group = byValue.get(key);
          if (group) group.push(row);
          else byValue.set(key, [row]);
        }
        // Each waiter gets what its own statement would have: every row matching one of its values, once.
        for (const w of waiting) w.resolve([...new Set(w.values.map(String))].flatMap((v) => byValue.get(v) ?? []));
      },
      (err: unknown) => {
        for (const w of waiting) w.reject(err);
      },
    );
  }
}

/**
 * Whole rows of one Prisma model, read with node-postgres on the Prisma pool (`Database.reader`),
 * in the shape Prisma's `findMany` gives them: the scalar fields, in the model's order, named as
 * the model names them. For the batched loads behind `__resolveReference` and DataLoaders, where
 * Prisma's query engine costs more than the statement (see the kit README for the figures).
 * Each statement is prepared (`PREPARED`): one text per model and field. Reads of a field asked
 * in the same event-loop turn go as one statement (`CoalescedRead`).
 *
 * A model with BigInt, Decimal or Bytes fields is refused: node-postgres returns those in other forms
 * than Prisma. Lists of text come back as arrays, but lists of an enum would come back as text, and
 * Prisma's runtime model does not say which fields are lists: every model read this way has a test
 * holding its rows to Prisma's (and the platform's timestamps are all `timestamptz`).
 */
export function modelReader<Row>(database: Database<unknown>, modelName: string, schema: string): ModelReader<Row> {
  const model = (database.prisma as WithDataModel)._runtimeDataModel?.models[modelName];
  if (!model) throw new Error(`the Prisma client has no model ${modelName}`);
  const { select, column } = columnsOf(modelName, model);
  const table = `${ident(schema)}.${ident(model.dbName ?? modelName)}`;
  const reads = new Map<string, CoalescedRead<Row>>();
  return {
    whereIn(field, values) {
      if (values.length === 0) return Promise.resolve([]);
      let read = reads.get(field);
      if (!read) {
        const text = `${PREPARED} SELECT ${select} FROM ${table} WHERE ${ident(column(field))} = ANY($1)`;
        read = new CoalescedRead<Row>(field, (all) => database.reader.rows<Row>({ text, values: [all] }));
        reads.set(field, read);
      }
      return read.read(values);
    },
    select(tail) {
      return database.reader.rows<Row>({
        text: `${PREPARED} SELECT ${select} FROM ${table} ${tail.text}`,
        values: tail.values,
      });
    },
  };
}
