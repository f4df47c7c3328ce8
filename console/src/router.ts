import { createRouter, createWebHistory, type RouteRecordRaw, type RouteRecordSingleView } from 'vue-router';
import { canOpen, canUse, pagesFor, type FormName, type PageName } from '@/auth/roles';
import type { Session } from '@/auth/session';

declare module 'vue-router' {
  interface RouteMeta {
    page?: PageName;
    /** A form: only the roles of its mutation open it. */
    form?: FormName;
    public?: boolean;
  }
}

type Component = RouteRecordSingleView['component'];

/**
 * A signed-in page's route: it belongs to the menu page its path starts with, and a `:param` of its
 * path is given to it as a prop; a form's route opens only to the roles of its mutation.
 */
function route(
  path: `/${PageName}${string}`,
  name: string,
  component: Component,
  form?: FormName,
): RouteRecordRaw {
  // the path's type makes its first part a page's name
  const page = path.split('/')[1] as PageName;
  return {
    path,
    name,
    component,
    meta: form ? { page, form } : { page },
    ...(path.includes(':') ? { props: true } : {}),
  };
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/pages/LoginPage.vue'), meta: { public: true } },
  { path: '/', name: 'home', component: () => import('@/pages/NotFoundPage.vue') },
  route('/dashboards', 'dashboards', () => import('@/pages/DashboardsPage.vue')),
  route('/orders', 'orders', () => import('@/pages/OrdersPage.vue')),
  route('/orders/new', 'new-order', () => import('@/pages/forms/NewOrderPage.vue'), 'newOrder'),
  route('/orders/:id', 'order', () => import('@/pages/OrderDetailPage.vue')),
  route('/customers', 'customers', () => import('@/pages/CustomersPage.vue')),
  route('/customers/new', 'new-customer', () => import('@/pages/forms/NewCustomerPage.vue'), 'newCustomer'),
  route('/customers/:code', 'customer', () => import('@/pages/CustomerDetailPage.vue')),
  route('/products', 'products', () => import('@/pages/ProductsPage.vue')),
  route('/products/new', 'new-product', () => import('@/pages/forms/NewProductPage.vue'), 'newProduct'),
  route('/products/categories', 'categories', () => import('@/pages/CategoriesPage.vue'), 'categories'),
  route('/products/:sku', 'product', () => import('@/pages/ProductDetailPage.vue')),
  route('/suppliers', 'suppliers', () => import('@/pages/SuppliersPage.vue')),
  route('/suppliers/new', 'new-supplier', () => import('@/pages/forms/NewSupplierPage.vue'), 'editSupplier'),
  route('/suppliers/:code', 'supplier', () => import('@/pages/SupplierDetailPage.vue')),
  route('/purchasing', 'purchasing', () => import('@/pages/PurchaseOrdersPage.vue')),
  route('/purchasing/:id', 'purchase-order', () => import('@/pages/PurchaseOrderDetailPage.vue')),
  route('/explorer', 'explorer', () => import('@/pages/ExplorerPage.vue')),
  route('/pipeline', 'pipeline', () => import('@/pages/PipelinePage.vue')),
  route('/mining', 'mining', () => import('@/pages/MiningPage.vue')),
  route('/users', 'users', () => import('@/pages/UsersPage.vue')),
  route('/ai', 'ai', () => import('@/pages/AiPage.vue')),
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/pages/NotFoundPage.vue'),
    meta: { public: true },
  },
];

/** Signed-out users go to /login (and come back after); a page the role may not use sends to its first page. */
export function makeRouter(session: Session) {
  const router = createRouter({ history: createWebHistory(), routes });
  router.beforeEach((to) => {
    const role = session.state.user?.role;
    if (to.meta.public) {
      if (to.name === 'login' && role) return { path: `/${pagesFor(role)[0] ?? 'products'}` };
      return true;
    }
    if (!role) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
    if (
      to.name === 'home' ||
      (to.meta.page && !canOpen(role, to.meta.page)) ||
      (to.meta.form && !canUse(role, to.meta.form))
    )
      return { path: `/${pagesFor(role)[0] ?? 'products'}` };
    return true;
  });
  return router;
}
