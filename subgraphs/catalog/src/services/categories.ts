import { ConflictError, NotFoundError, ValidationError } from '@erp/kit';
import { mutate, optionalId, requiredText, type MutationSpec } from '@erp/kit/graphql';
import type { CatalogContext } from '../context';
import { CATEGORY_COLUMNS, type CategoryRow } from '../rows';

export async function listCategories(ctx: CatalogContext, parentId: number | null): Promise<CategoryRow[]> {
  const { rows } = await ctx.pool.query<CategoryRow>(
    `SELECT ${CATEGORY_COLUMNS} FROM catalog.categories WHERE parent_id IS NOT DISTINCT FROM $1 ORDER BY name`,
    [parentId],
  );
  return rows;
}

export function createCategory(
  ctx: CatalogContext,
  input: { code: unknown; name: unknown; parentId?: unknown },
  spec: Omit<MutationSpec, 'name' | 'payload'>,
) {
  const code = requiredText('input.code', input.code, 40);
  const name = requiredText('input.name', input.name);
  const parentId = optionalId('input.parentId', input.parentId);
  return mutate(
    ctx,
    { ...spec, name: 'createCategory', payload: { code, name, parentId } },
    async (tx, audit) => {
      if (
        parentId &&
        !(await tx.query('SELECT 1 FROM catalog.categories WHERE id = $1', [parentId])).rowCount
      ) {
        throw new ValidationError('input.parentId', input.parentId, 'no such category');
      }
      const { rows } = await tx.query<CategoryRow>(
        `INSERT INTO catalog.categories (code, name, parent_id) VALUES ($1, $2, $3)
       ON CONFLICT (code) DO NOTHING RETURNING ${CATEGORY_COLUMNS}`,
        [code, name, parentId],
      );
      if (!rows[0])
        throw new ConflictError(`Category code "${code}" already exists`, { field: 'input.code' });
      await audit({ entity: 'Category', entityId: rows[0].id, before: null, after: rows[0] });
      return rows[0];
    },
  );
}

export function updateCategory(
  ctx: CatalogContext,
  id: number,
  input: { name?: unknown; parentId?: unknown },
  spec: Omit<MutationSpec, 'name' | 'payload'>,
) {
  const name =
    input.name === undefined || input.name === null ? undefined : requiredText('input.name', input.name);
  const parentId = input.parentId === undefined ? undefined : optionalId('input.parentId', input.parentId);
  return mutate(
    ctx,
    { ...spec, name: 'updateCategory', payload: { id, name, parentId } },
    async (tx, audit) => {
      const before = (
        await tx.query<CategoryRow>(
          `SELECT ${CATEGORY_COLUMNS} FROM catalog.categories WHERE id = $1 FOR UPDATE`,
          [id],
        )
      ).rows[0];
      if (!before) throw new NotFoundError('Category', id);
      if (parentId) {
        // Refuse a cycle: the new parent must not be the category or one of its descendants.
        const { rowCount } = await tx.query(
          `WITH RECURSIVE sub AS (SELECT id FROM catalog.categories WHERE id = $1
           UNION ALL SELECT c.id FROM catalog.categories c JOIN sub ON c.parent_id = sub.id)
         SELECT 1 FROM sub WHERE id = $2`,
          [id, parentId],
        );
        if (rowCount)
          throw new ValidationError(
            'input.parentId',
            input.parentId,
            'would make the category its own ancestor',
          );
      }
      const { rows } = await tx.query<CategoryRow>(
        `UPDATE catalog.categories SET name = coalesce($2, name), parent_id = CASE WHEN $4 THEN $3::int ELSE parent_id END
       WHERE id = $1 RETURNING ${CATEGORY_COLUMNS}`,
        [id, name ?? null, parentId ?? null, parentId !== undefined],
      );
      await audit({ entity: 'Category', entityId: id, before, after: rows[0] });
      return rows[0]!;
    },
  );
}

/**
 * The tax rate a category's goods take: its own, else its nearest parent's (a few batched loads: the
 * tree is shallow); null when no category up the tree gives one (the customer's country decides).
 */
export async function categoryTaxRate(ctx: CatalogContext, categoryId: number): Promise<string | null> {
  const seen = new Set<number>();
  for (let id: number | null = categoryId; id !== null && !seen.has(id);) {
    seen.add(id);
    const c: CategoryRow | null = await ctx.loaders.category.load(id);
    if (!c) return null;
    if (c.taxRate !== null) return c.taxRate;
    id = c.parentId;
  }
  return null;
}
