import { between, MONTH, NW_BUYERS, NW_LINES as L, NW_ORDERS, NW_REV, NW_UNITS, QUARTER, REL, YEAR } from './sql';
import type { Expect, Question, Tag } from './types';

/**
 * Questions on Northwind Traders imported with `npm run import -- --mapping northwind`, answered from
 * Northwind's own tables (the SQL dump loaded as it is): orders 4 July 1996 – 6 May 1998, USD.
 * Every order of the source was placed, so every line counts as a sale (the 21 not yet shipped on
 * 6 May 1998 included). Relative periods: "this year" is 1998 up to 6 May, "last year" 1997, "last
 * month" April 1998, "last quarter" 1998-Q1, "this quarter" 1 April – 6 May 1998.
 */
type Unit = Question['unit'];
const q = (id: number, lang: 'fr' | 'en', text: string, expect: Expect, unit: Unit, tags: Tag[], sql?: string, extra: Partial<Question> = {}): Question => ({
  id: `w${String(id).padStart(3, '0')}`,
  dataset: 'northwind',
  lang,
  q: text,
  expect,
  unit,
  tags,
  sql,
  ...extra,
});
const Y1996 = between('1996-01-01', '1996-12-31');
const Y1997 = between('1997-01-01', '1997-12-31');
const Y1998 = between('1998-01-01', '1998-12-31');
const rev = (where: string) => `${L}SELECT ${NW_REV} AS value FROM b WHERE ${where}`;
const one = (value: string, where: string) => `${L}SELECT ${value} AS value FROM b WHERE ${where}`;
const by = (label: string, value: string, where: string, order = 'value DESC') =>
  `${L}SELECT ${label} AS label, ${value} AS value FROM b WHERE ${where} GROUP BY 1 ORDER BY ${order}, label`;
const cmp = (value: string, cur: string, prev: string) => `${L}SELECT (SELECT ${value} FROM b WHERE ${cur}) AS current, (SELECT ${value} FROM b WHERE ${prev}) AS previous`;
const share = (label: string, member: string, where: string) =>
  `${L}SELECT ${label} AS label, round(100 * ${NW_REV} / (SELECT ${NW_REV} FROM b WHERE ${where}), 2) AS value FROM b WHERE ${where} AND ${label} = '${member}' GROUP BY 1`;
const BASKET = `round(${NW_REV} / ${NW_ORDERS}, 2)`;
const LATE = 'count(DISTINCT order_id) FILTER (WHERE shipped_date > required_date)';

export const NORTHWIND: Question[] = [
  // ── one figure, periods by name ──────────────────────────────────────────────
  q(1, 'en', 'What was the total revenue in 1997?', 'value', 'money', ['period'], rev(Y1997)),
  q(2, 'fr', "Quel est le chiffre d'affaires de 1997 ?", 'value', 'money', ['period'], rev(Y1997)),
  q(3, 'en', 'revenue between 1 January and 31 December 1997', 'value', 'money', ['period'], rev(Y1997)),
  q(4, 'en', 'revenue in Q1 1997', 'value', 'money', ['period'], rev(between('1997-01-01', '1997-03-31'))),
  q(5, 'fr', 'CA du premier trimestre 1998', 'value', 'money', ['period'], rev(between('1998-01-01', '1998-03-31'))),
  q(6, 'en', 'total revenue from Q1 to Q4 1997', 'value', 'money', ['period'], rev(Y1997)),
  q(7, 'en', 'revenue in July 1996', 'value', 'money', ['period'], rev(between('1996-07-01', '1996-07-31'))),
  q(8, 'fr', 'ventes de février 1998', 'value', 'money', ['period'], rev(between('1998-02-01', '1998-02-28'))),
  q(9, 'en', 'revenue in the first half of 1997', 'value', 'money', ['period'], rev(between('1997-01-01', '1997-06-30'))),
  q(10, 'fr', 'CA du second semestre 1996', 'value', 'money', ['period'], rev(between('1996-07-01', '1996-12-31'))),
  q(11, 'en', 'revenue from March to May 1997', 'value', 'money', ['period'], rev(between('1997-03-01', '1997-05-31'))),
  q(12, 'fr', "chiffre d'affaires entre le 1er juillet 1996 et le 31 décembre 1996", 'value', 'money', ['period'], rev(between('1996-07-01', '1996-12-31'))),
  q(13, 'fr', 'CA du troisième trimestre 1997', 'value', 'money', ['period'], rev(between('1997-07-01', '1997-09-30'))),
  q(14, 'en', 'sales in December 1997', 'value', 'money', ['period'], rev(between('1997-12-01', '1997-12-31'))),
  q(15, 'fr', 'ventes du 1er au 15 mars 1998', 'value', 'money', ['period'], rev(between('1998-03-01', '1998-03-15'))),
  // ── relative periods (from the data's last day, 6 May 1998) ─────────────────
  q(16, 'en', 'revenue this year', 'value', 'money', ['relative'], rev(REL.thisYear)),
  q(17, 'fr', "CA de l'année dernière", 'value', 'money', ['relative'], rev(REL.lastYear)),
  q(18, 'en', 'revenue last month', 'value', 'money', ['relative'], rev(REL.lastMonth)),
  q(19, 'fr', "chiffre d'affaires du trimestre dernier", 'value', 'money', ['relative'], rev(REL.lastQuarter)),
  q(20, 'en', 'revenue year to date', 'value', 'money', ['relative'], rev(REL.thisYear)),
  q(21, 'fr', "combien de commandes cette année ?", 'value', 'count', ['relative'], one(NW_ORDERS, REL.thisYear)),
  q(22, 'en', 'top 5 customers last year', 'top', 'money', ['relative', 'ranking'], by('customer', NW_REV, REL.lastYear), { n: 5 }),
  q(23, 'fr', 'ventes par catégorie le mois dernier', 'rows', 'money', ['relative', 'level'], by('category', NW_REV, REL.lastMonth)),
  // ── every sales measure ─────────────────────────────────────────────────────
  q(24, 'fr', 'nombre de commandes en 1997', 'value', 'count', ['period'], one(NW_ORDERS, Y1997)),
  q(25, 'en', 'How many units did we sell in 1996?', 'value', 'count', ['period'], one(NW_UNITS, Y1996)),
  q(26, 'en', 'average order value in 1997', 'value', 'money', ['period'], one(BASKET, Y1997)),
  q(27, 'en', 'how many customers placed an order in 1997?', 'value', 'count', ['period'], one(NW_BUYERS, Y1997)),
  q(28, 'fr', 'combien de clients différents ont commandé en 1998 ?', 'value', 'count', ['period'], one(NW_BUYERS, Y1998)),
  q(29, 'fr', 'panier moyen en 1998', 'value', 'money', ['period'], one(BASKET, Y1998)),
  q(30, 'en', 'total revenue since the beginning', 'value', 'money', [], rev('true')),
  q(31, 'en', 'What is the value of orders not yet shipped?', 'value', 'money', ['not-modelled'], one(NW_REV, 'shipped_date IS NULL'),
    { note: 'open orders: placed, not shipped (the ERP keeps them as booked orders not yet shipped)' }),
  // ── by level ────────────────────────────────────────────────────────────────
  q(32, 'fr', 'chiffre d\'affaires par trimestre en 1997', 'rows', 'money', ['level', 'period'], by(QUARTER, NW_REV, Y1997, 'label')),
  q(33, 'en', 'revenue each year', 'rows', 'money', ['level', 'period'], by(YEAR, NW_REV, 'true', 'label')),
  q(34, 'fr', 'CA par mois en 1997', 'rows', 'money', ['level', 'period'], by(MONTH, NW_REV, Y1997, 'label')),
  q(35, 'en', 'revenue by category in 1997', 'rows', 'money', ['level'], by('category', NW_REV, Y1997)),
  q(36, 'fr', 'CA par catégorie de produit en 1997', 'rows', 'money', ['level'], by('category', NW_REV, Y1997)),
  q(37, 'en', 'revenue by country in 1997', 'rows', 'money', ['level'], by('country', NW_REV, Y1997)),
  q(38, 'fr', "chiffre d'affaires par pays client en 1998", 'rows', 'money', ['level'], by('country', NW_REV, Y1998)),
  q(39, 'en', 'units sold by category in 1996', 'rows', 'count', ['level'], by('category', NW_UNITS, Y1996)),
  q(40, 'en', 'how many orders per year?', 'rows', 'count', ['level', 'period'], by(YEAR, NW_ORDERS, 'true', 'label')),
  q(41, 'fr', 'panier moyen par pays en 1997', 'rows', 'money', ['level'], by('country', BASKET, Y1997)),
  q(42, 'en', 'revenue by quarter from Q1 to Q4 1997', 'rows', 'money', ['level', 'period'], by(QUARTER, NW_REV, Y1997, 'label')),
  q(43, 'en', 'monthly revenue in 1998', 'rows', 'money', ['level', 'period'], by(MONTH, NW_REV, Y1998, 'label')),
  q(44, 'fr', 'CA de décembre 1997 par catégorie', 'rows', 'money', ['level'], by('category', NW_REV, between('1997-12-01', '1997-12-31'))),
  q(45, 'en', 'number of customers who bought, by country, in 1997', 'rows', 'count', ['level'], by('country', NW_BUYERS, Y1997)),
  q(46, 'fr', 'revenus par ville en Allemagne en 1997', 'rows', 'money', ['level', 'member'], by('city', NW_REV, `${Y1997} AND country = 'Germany'`)),
  q(47, 'en', 'revenue by product category each year', 'rows', 'money', ['level', 'period'],
    `${L}SELECT ${YEAR} || ' ' || category AS label, ${NW_REV} AS value FROM b GROUP BY 1 ORDER BY 1`, { note: 'two levels: each row is a year and a category' }),
  // ── rankings ────────────────────────────────────────────────────────────────
  q(48, 'en', 'top 5 customers by revenue in 1997', 'top', 'money', ['ranking'], by('customer', NW_REV, Y1997), { n: 5 }),
  q(49, 'fr', 'les 10 meilleurs clients de tous les temps', 'top', 'money', ['ranking'], by('customer', NW_REV, 'true'), { n: 10 }),
  q(50, 'en', 'top 10 products by revenue', 'top', 'money', ['ranking'], by('product', NW_REV, 'true'), { n: 10 }),
  q(51, 'fr', 'les 5 produits les moins vendus en 1997', 'top', 'count', ['ranking'], by('product', NW_UNITS, Y1997, 'value ASC'), { n: 5, note: 'least units first' }),
  q(52, 'en', 'which category sold the fewest units in 1998?', 'top', 'count', ['ranking'], by('category', NW_UNITS, Y1998, 'value ASC'), { n: 1 }),
  q(53, 'en', 'which country bought the most in 1997?', 'top', 'money', ['ranking'], by('country', NW_REV, Y1997), { n: 1 }),
  q(54, 'en', 'top 3 categories in Q4 1997', 'top', 'money', ['ranking'], by('category', NW_REV, between('1997-10-01', '1997-12-31')), { n: 3 }),
  q(55, 'en', 'worst 5 customers by revenue in 1997', 'top', 'money', ['ranking'], by('customer', NW_REV, Y1997, 'value ASC'), { n: 5, note: 'among customers who bought that year' }),
  q(56, 'en', 'which product had the highest revenue in 1998?', 'top', 'money', ['ranking'], by('product', NW_REV, Y1998), { n: 1 }),
  q(57, 'fr', 'quels sont les 3 pays qui commandent le plus souvent ?', 'top', 'count', ['ranking'], by('country', NW_ORDERS, 'true'), { n: 3 }),
  q(58, 'en', 'best-selling products by units in 1996, top 5', 'top', 'count', ['ranking'], by('product', NW_UNITS, Y1996), { n: 5 }),
  q(59, 'fr', 'les 3 clients avec le panier moyen le plus élevé en 1997', 'top', 'money', ['ranking'], by('customer', BASKET, Y1997), { n: 3 }),
  // ── comparisons ─────────────────────────────────────────────────────────────
  q(60, 'en', 'revenue in 1997 vs 1996', 'compare', 'money', ['comparison'], cmp(NW_REV, Y1997, Y1996), { note: '1996 covers July to December only' }),
  q(61, 'fr', 'compare le CA du premier trimestre 1998 avec celui du premier trimestre 1997', 'compare', 'money', ['comparison'],
    cmp(NW_REV, between('1998-01-01', '1998-03-31'), between('1997-01-01', '1997-03-31'))),
  q(62, 'en', 'revenue last quarter compared with the previous quarter', 'compare', 'money', ['comparison', 'relative'],
    cmp(NW_REV, REL.lastQuarter, `day >= (date_trunc('quarter', :asof) - interval '6 months')::date AND day < (date_trunc('quarter', :asof) - interval '3 months')::date`)),
  q(63, 'en', 'compare revenue this quarter with the same quarter last year', 'compare', 'money', ['comparison', 'relative'], cmp(NW_REV, REL.thisQuarter, REL.thisQuarterLastYear),
    { note: '1 April – 6 May 1998 against the same days of 1997' }),
  q(64, 'fr', 'nombre de commandes en décembre 1997 par rapport à décembre 1996', 'compare', 'count', ['comparison'],
    cmp(NW_ORDERS, between('1997-12-01', '1997-12-31'), between('1996-12-01', '1996-12-31'))),
  q(65, 'en', 'how did units sold in Q2 1997 compare with Q1 1997?', 'compare', 'count', ['comparison'], cmp(NW_UNITS, between('1997-04-01', '1997-06-30'), between('1997-01-01', '1997-03-31'))),
  q(66, 'fr', 'CA de janvier 1998 vs janvier 1997', 'compare', 'money', ['comparison'], cmp(NW_REV, between('1998-01-01', '1998-01-31'), between('1997-01-01', '1997-01-31'))),
  // ── why did it change ───────────────────────────────────────────────────────
  q(67, 'fr', 'pourquoi le CA a baissé en mars 1998 ?', 'direction', 'money', ['why'], cmp(NW_REV, between('1998-03-01', '1998-03-31'), between('1998-02-01', '1998-02-28')),
    { note: 'March 1998 rose: the answer must say so, whatever the question assumes' }),
  q(68, 'en', 'why did revenue fall in January 1997?', 'direction', 'money', ['why'], cmp(NW_REV, between('1997-01-01', '1997-01-31'), between('1996-12-01', '1996-12-31'))),
  q(69, 'fr', 'pourquoi les ventes ont augmenté en octobre 1997 ?', 'direction', 'money', ['why'], cmp(NW_REV, between('1997-10-01', '1997-10-31'), between('1997-09-01', '1997-09-30'))),
  q(70, 'en', 'what explains the change in revenue in Q4 1997?', 'direction', 'money', ['why'], cmp(NW_REV, between('1997-10-01', '1997-12-31'), between('1997-07-01', '1997-09-30'))),
  q(71, 'en', 'why did sales go up in April 1998?', 'direction', 'money', ['why'], cmp(NW_REV, between('1998-04-01', '1998-04-30'), between('1998-03-01', '1998-03-31'))),
  q(72, 'fr', 'pourquoi le chiffre d\'affaires a-t-il changé en juin 1997 ?', 'direction', 'money', ['why'], cmp(NW_REV, between('1997-06-01', '1997-06-30'), between('1997-05-01', '1997-05-31'))),
  // ── shares ──────────────────────────────────────────────────────────────────
  q(73, 'en', 'what share of 1997 revenue came from the USA?', 'share', 'pct', ['share', 'member'], share('country', 'USA', Y1997)),
  q(74, 'fr', 'part de la catégorie Beverages dans le CA de 1997', 'share', 'pct', ['share', 'member'], share('category', 'Beverages', Y1997)),
  q(75, 'en', 'what percentage of revenue does Germany represent?', 'share', 'pct', ['share', 'member'], share('country', 'Germany', 'true')),
  q(76, 'fr', 'quelle part du CA 1998 fait Save-a-lot Markets ?', 'share', 'pct', ['share', 'member'], share('customer', 'Save-a-lot Markets', Y1998)),
  q(77, 'en', 'share of Dairy Products in Q1 1998 revenue', 'share', 'pct', ['share', 'member'], share('category', 'Dairy Products', between('1998-01-01', '1998-03-31'))),
  // ── named members ───────────────────────────────────────────────────────────
  q(78, 'en', 'revenue of Chai in 1997', 'value', 'money', ['member'], rev(`${Y1997} AND product = 'Chai'`)),
  q(79, 'fr', "combien d'unités de Chang avons-nous vendues en 1997 ?", 'value', 'count', ['member'], one(NW_UNITS, `${Y1997} AND product = 'Chang'`)),
  q(80, 'en', 'revenue from Ernst Handel', 'value', 'money', ['member'], rev(`customer = 'Ernst Handel'`)),
  q(81, 'fr', 'CA réalisé avec QUICK-Stop en 1997', 'value', 'money', ['member'], rev(`${Y1997} AND customer = 'QUICK-Stop'`)),
  q(82, 'en', 'revenue in Germany in 1997', 'value', 'money', ['member'], rev(`${Y1997} AND country = 'Germany'`)),
  q(83, 'fr', 'ventes en France par trimestre en 1997', 'rows', 'money', ['member', 'level'], by(QUARTER, NW_REV, `${Y1997} AND country = 'France'`, 'label')),
  q(84, 'en', 'Beverages revenue by month in 1997', 'rows', 'money', ['member', 'level'], by(MONTH, NW_REV, `${Y1997} AND category = 'Beverages'`, 'label')),
  q(85, 'en', 'Beverages revenue in Q3 1997', 'value', 'money', ['member'], rev(`${between('1997-07-01', '1997-09-30')} AND category = 'Beverages'`)),
  q(86, 'fr', 'combien de commandes a passé Around the Horn ?', 'value', 'count', ['member'], one(NW_ORDERS, `customer = 'Around the Horn'`)),
  q(87, 'en', 'top 3 products sold in Brazil in 1997', 'top', 'money', ['member', 'ranking'], by('product', NW_REV, `${Y1997} AND country = 'Brazil'`), { n: 3 }),
  q(88, 'en', "revenue of Côte de Blaye by quarter in 1997", 'rows', 'money', ['member', 'level'], by(QUARTER, NW_REV, `${Y1997} AND product = 'Côte de Blaye'`, 'label')),
  // ── follow-ups ──────────────────────────────────────────────────────────────
  q(89, 'en', 'and in 1998?', 'value', 'money', ['follow-up'], rev(Y1998), { previous: ['revenue in 1997'] }),
  q(90, 'fr', "et l'année suivante ?", 'rows', 'money', ['follow-up', 'level'], by('category', NW_REV, Y1998), { previous: ['CA par catégorie en 1997'] }),
  q(91, 'en', 'how many orders that year?', 'value', 'count', ['follow-up'], one(NW_ORDERS, Y1997), { previous: ['What were the top 5 customers in 1997?'] }),
  q(92, 'fr', 'et par pays cette année-là ?', 'rows', 'money', ['follow-up', 'level'], by('country', NW_REV, Y1996), { previous: ["Quel est le chiffre d'affaires de 1996 ?"] }),
  q(93, 'en', 'and the top 3 products?', 'top', 'money', ['follow-up', 'ranking'], by('product', NW_REV, between('1997-01-01', '1997-03-31')), { n: 3, previous: ['revenue in Q1 1997'] }),
  // ── catalog, customer base, stock ───────────────────────────────────────────
  q(94, 'en', 'how many products do we sell?', 'value', 'count', ['catalog'], `SELECT count(*) AS value FROM northwind_src.products`),
  q(95, 'fr', 'combien de produits sont discontinués ?', 'value', 'count', ['catalog', 'member'], `SELECT count(*) AS value FROM northwind_src.products WHERE discontinued = 1`),
  q(96, 'en', 'how many products per category?', 'rows', 'count', ['catalog', 'level'],
    `SELECT c.category_name AS label, count(*) AS value FROM northwind_src.products p JOIN northwind_src.categories c USING (category_id) GROUP BY 1 ORDER BY 2 DESC`),
  q(97, 'en', 'how many customers do we have?', 'value', 'count', ['catalog'], `SELECT count(*) AS value FROM northwind_src.customers`),
  q(98, 'fr', 'nombre de clients par pays', 'rows', 'count', ['catalog', 'level'], `SELECT country AS label, count(*) AS value FROM northwind_src.customers GROUP BY 1 ORDER BY 2 DESC`),
  q(99, 'en', 'units in stock', 'value', 'count', ['inventory'], `SELECT sum(units_in_stock) AS value FROM northwind_src.products`),
  q(100, 'fr', 'stock par catégorie', 'rows', 'count', ['inventory', 'level'],
    `SELECT c.category_name AS label, sum(p.units_in_stock) AS value FROM northwind_src.products p JOIN northwind_src.categories c USING (category_id) GROUP BY 1 ORDER BY 2 DESC`),
  q(101, 'fr', "quels produits ont le plus d'unités en stock ?", 'top', 'count', ['inventory', 'ranking'],
    `SELECT product_name AS label, units_in_stock AS value FROM northwind_src.products ORDER BY 2 DESC`, { n: 5, note: 'a ranking without N: the first 5 at least' }),
  q(102, 'en', 'stock on hand of Tofu', 'value', 'count', ['inventory', 'member'], `SELECT units_in_stock AS value FROM northwind_src.products WHERE product_name = 'Tofu'`),
  // ── not modelled yet: employee (sales rep), shipper, ship-to, supplier of a sale ─
  q(103, 'en', 'revenue by employee in 1997', 'rows', 'money', ['not-modelled', 'level'], by('employee', NW_REV, Y1997)),
  q(104, 'fr', "chiffre d'affaires par commercial en 1997", 'rows', 'money', ['not-modelled', 'level'], by('employee', NW_REV, Y1997)),
  q(105, 'en', 'top 3 sales reps by revenue in 1997', 'top', 'money', ['not-modelled', 'ranking'], by('employee', NW_REV, Y1997), { n: 3 }),
  q(106, 'en', 'how much did Nancy Davolio sell in 1997?', 'value', 'money', ['not-modelled', 'member'], rev(`${Y1997} AND employee = 'Nancy Davolio'`)),
  q(107, 'fr', 'combien de commandes a prises Margaret Peacock en 1997 ?', 'value', 'count', ['not-modelled', 'member'], one(NW_ORDERS, `${Y1997} AND employee = 'Margaret Peacock'`)),
  q(108, 'en', 'number of orders by shipper in 1997', 'rows', 'count', ['not-modelled', 'level'], by('shipper', NW_ORDERS, Y1997)),
  q(109, 'fr', 'CA par transporteur en 1997', 'rows', 'money', ['not-modelled', 'level'], by('shipper', NW_REV, Y1997)),
  q(110, 'en', 'which carrier shipped the most orders?', 'top', 'count', ['not-modelled', 'ranking'], by('shipper', NW_ORDERS, 'true'), { n: 1 }),
  q(111, 'en', 'revenue by ship-to country in 1997', 'rows', 'money', ['not-modelled', 'level'], by('ship_country', NW_REV, Y1997)),
  q(112, 'fr', 'ventes par pays de livraison en 1998', 'rows', 'money', ['not-modelled', 'level'], by('ship_country', NW_REV, Y1998)),
  q(113, 'en', 'revenue by supplier in 1997', 'rows', 'money', ['not-modelled', 'level'], by('supplier', NW_REV, Y1997)),
  q(114, 'fr', "top 5 fournisseurs par chiffre d'affaires", 'top', 'money', ['not-modelled', 'ranking'], by('supplier', NW_REV, 'true'), { n: 5 }),
  q(115, 'en', 'units sold of products from Exotic Liquids in 1997', 'value', 'count', ['not-modelled', 'member'], one(NW_UNITS, `${Y1997} AND supplier = 'Exotic Liquids'`)),
  q(116, 'en', 'how many orders shipped after their required date in 1997?', 'value', 'count', ['not-modelled'], one(LATE, Y1997)),
  q(117, 'fr', 'montant total du fret en 1997', 'value', 'money', ['not-modelled'],
    `SELECT round(sum(freight::numeric), 2) AS value FROM northwind_src.orders WHERE order_date BETWEEN DATE '1997-01-01' AND DATE '1997-12-31'`),
  q(118, 'en', 'which employee took the most orders in 1997?', 'top', 'count', ['not-modelled', 'ranking'], by('employee', NW_ORDERS, Y1997), { n: 1 }),
  // ── outside the model: refusals ─────────────────────────────────────────────
  q(119, 'en', "what's the weather in Seattle?", 'refusal', 'none', ['refusal']),
  q(120, 'fr', 'quel est le salaire de Nancy Davolio ?', 'refusal', 'none', ['refusal']),
  q(121, 'en', 'forecast revenue for June 1998', 'refusal', 'none', ['refusal']),
  q(122, 'en', 'delete order 10248', 'refusal', 'none', ['refusal']),
  q(123, 'fr', 'passe une commande de 20 Chai pour Alfreds Futterkiste', 'refusal', 'none', ['refusal']),
  q(124, 'en', 'what will our revenue be next year?', 'refusal', 'none', ['refusal']),
  q(125, 'en', 'how old is Andrew Fuller?', 'refusal', 'none', ['refusal']),
  q(126, 'fr', 'quel est le numéro de téléphone de Exotic Liquids ?', 'refusal', 'none', ['refusal']),
  q(127, 'en', 'update the price of Chai to 20 dollars', 'refusal', 'none', ['refusal']),
  q(128, 'fr', 'prévision des ventes pour le prochain trimestre', 'refusal', 'none', ['refusal']),
  // ── more measures × levels, more ways to say a period ───────────────────────
  q(129, 'en', 'units sold by country in 1997', 'rows', 'count', ['level'], by('country', NW_UNITS, Y1997)),
  q(130, 'fr', 'nombre de commandes par catégorie en 1997', 'rows', 'count', ['level'], by('category', NW_ORDERS, Y1997), { note: 'orders with at least one line in the category' }),
  q(131, 'en', 'average order value per year', 'rows', 'money', ['level', 'period'], by(YEAR, BASKET, 'true', 'label')),
  q(132, 'fr', 'clients acheteurs par an', 'rows', 'count', ['level', 'period'], by(YEAR, NW_BUYERS, 'true', 'label')),
  q(133, 'en', 'units sold by month in 1997', 'rows', 'count', ['level', 'period'], by(MONTH, NW_UNITS, Y1997, 'label')),
  q(134, 'fr', 'top 5 des produits en quantité en 1998', 'top', 'count', ['ranking'], by('product', NW_UNITS, Y1998), { n: 5 }),
  q(135, 'en', 'Q4 1997 revenue compared with Q4 1996', 'compare', 'money', ['comparison'], cmp(NW_REV, between('1997-10-01', '1997-12-31'), between('1996-10-01', '1996-12-31'))),
  q(136, 'fr', "CA de l'an dernier par catégorie", 'rows', 'money', ['relative', 'level'], by('category', NW_REV, REL.lastYear)),
  q(137, 'en', 'revenue in the previous month', 'value', 'money', ['relative'], rev(REL.lastMonth)),
  q(138, 'fr', 'CA en avril', 'value', 'money', ['relative'], rev(between('1998-04-01', '1998-04-30')), { note: 'a month without a year: the last April up to the as-of date' }),
  q(139, 'en', 'how many customers bought Chai in 1997?', 'value', 'count', ['member'], one(NW_BUYERS, `${Y1997} AND product = 'Chai'`)),
  q(140, 'en', 'revenue by city in the USA in 1997', 'rows', 'money', ['member', 'level'], by('city', NW_REV, `${Y1997} AND country = 'USA'`)),
  q(141, 'fr', 'top 3 des villes par CA en 1997', 'top', 'money', ['ranking'], by('city', NW_REV, Y1997), { n: 3 }),
  q(142, 'en', 'which customers in France bought the most in 1997? top 3', 'top', 'money', ['member', 'ranking'], by('customer', NW_REV, `${Y1997} AND country = 'France'`), { n: 3 }),
  q(143, 'fr', 'quelle catégorie a le plus progressé en 1997 par rapport à 1996 ?', 'top', 'money', ['comparison', 'ranking'],
    `${L}SELECT category AS label, sum(net) FILTER (WHERE ${Y1997}) - sum(net) FILTER (WHERE ${Y1996}) AS value FROM b GROUP BY 1 ORDER BY 2 DESC`,
    { n: 1, figure: 'delta', note: 'the biggest change in revenue (1997 minus 1996): the first row\'s change (delta) is compared' }),
];
