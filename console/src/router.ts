import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
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

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/pages/LoginPage.vue'), meta: { public: true } },
  { path: '/', name: 'home', component: () => import('@/pages/NotFoundPage.vue') },
  {
    path: '/dashboards',
    name: 'dashboards',
    component: () => import('@/pages/DashboardsPage.vue'),
    meta: { page: 'dashboards' },
  },
  {
    path: '/orders',
    name: 'orders',
    component: () => import('@/pages/OrdersPage.vue'),
    meta: { page: 'orders' },
  },
  {
    path: '/orders/new',
    name: 'new-order',
    component: () => import('@/pages/forms/NewOrderPage.vue'),
    meta: { page: 'orders', form: 'newOrder' },
  },
  {
    path: '/orders/:id',
    name: 'order',
    component: () => import('@/pages/OrderDetailPage.vue'),
    meta: { page: 'orders' },
    props: true,
  },
  {
    path: '/customers',
    name: 'customers',
    component: () => import('@/pages/CustomersPage.vue'),
    meta: { page: 'customers' },
  },
  {
    path: '/customers/new',
    name: 'new-customer',
    component: () => import('@/pages/forms/NewCustomerPage.vue'),
    meta: { page: 'customers', form: 'newCustomer' },
  },
  {
    path: '/customers/:code',
    name: 'customer',
    component: () => import('@/pages/CustomerDetailPage.vue'),
    meta: { page: 'customers' },
    props: true,
  },
  {
    path: '/products',
    name: 'products',
    component: () => import('@/pages/ProductsPage.vue'),
    meta: { page: 'products' },
  },
  {
    path: '/products/new',
    name: 'new-product',
    component: () => import('@/pages/forms/NewProductPage.vue'),
    meta: { page: 'products', form: 'newProduct' },
  },
  {
    path: '/products/categories',
    name: 'categories',
    component: () => import('@/pages/CategoriesPage.vue'),
    meta: { page: 'products', form: 'categories' },
  },
  {
    path: '/products/:sku',
    name: 'product',
    component: () => import('@/pages/ProductDetailPage.vue'),
    meta: { page: 'products' },
    props: true,
  },
  {
    path: '/suppliers',
    name: 'suppliers',
    component: () => import('@/pages/SuppliersPage.vue'),
    meta: { page: 'suppliers' },
  },
  {
    path: '/suppliers/new',
    name: 'new-supplier',
    component: () => import('@/pages/forms/NewSupplierPage.vue'),
    meta: { page: 'suppliers', form: 'editSupplier' },
  },
  {
    path: '/suppliers/:code',
    name: 'supplier',
    component: () => import('@/pages/SupplierDetailPage.vue'),
    meta: { page: 'suppliers' },
    props: true,
  },
  {
    path: '/purchasing',
    name: 'purchasing',
    component: () => import('@/pages/PurchaseOrdersPage.vue'),
    meta: { page: 'purchasing' },
  },
  {
    path: '/purchasing/:id',
    name: 'purchase-order',
    component: () => import('@/pages/PurchaseOrderDetailPage.vue'),
    meta: { page: 'purchasing' },
    props: true,
  },
  {
    path: '/explorer',
    name: 'explorer',
    component: () => import('@/pages/ExplorerPage.vue'),
    meta: { page: 'explorer' },
  },
  {
    path: '/pipeline',
    name: 'pipeline',
    component: () => import('@/pages/PipelinePage.vue'),
    meta: { page: 'pipeline' },
  },
  {
    path: '/mining',
    name: 'mining',
    component: () => import('@/pages/MiningPage.vue'),
    meta: { page: 'mining' },
  },
  {
    path: '/users',
    name: 'users',
    component: () => import('@/pages/UsersPage.vue'),
    meta: { page: 'users' },
  },
  { path: '/ai', name: 'ai', component: () => import('@/pages/AiPage.vue'), meta: { page: 'ai' } },
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
