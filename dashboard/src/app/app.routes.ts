import type { Routes } from '@angular/router';

export const routes: Routes = [
  { path: '', title: 'Rigel', loadComponent: () => import('./home/home').then((m) => m.Home) },
  {
    path: 'flow-runs',
    title: 'Flow runs · Rigel',
    loadComponent: () => import('./flow-runs/flow-runs-list').then((m) => m.FlowRunsList),
  },
  {
    path: 'flow-runs/:id',
    title: 'Flow run · Rigel',
    loadComponent: () => import('./flow-runs/flow-run-detail').then((m) => m.FlowRunDetail),
  },
  {
    path: 'task-runs/:id',
    title: 'Task run · Rigel',
    loadComponent: () => import('./task-runs/task-run-detail').then((m) => m.TaskRunDetail),
  },
  { path: 'flows', title: 'Flows · Rigel', loadComponent: () => import('./flows/flows-list').then((m) => m.FlowsList) },
  {
    path: 'flows/:id',
    title: 'Flow · Rigel',
    loadComponent: () => import('./flows/flow-detail').then((m) => m.FlowDetail),
  },
  {
    path: 'deployments',
    title: 'Deployments · Rigel',
    loadComponent: () => import('./deployments/deployments-list').then((m) => m.DeploymentsList),
  },
  {
    path: 'deployments/:id',
    title: 'Deployment · Rigel',
    loadComponent: () => import('./deployments/deployment-detail').then((m) => m.DeploymentDetail),
  },
  {
    path: 'deployments/:id/run',
    title: 'Run deployment · Rigel',
    loadComponent: () => import('./deployments/run-deployment').then((m) => m.RunDeployment),
  },
  {
    path: 'work-pools',
    title: 'Work pools · Rigel',
    loadComponent: () => import('./work-pools/work-pools-list').then((m) => m.WorkPoolsList),
  },
  {
    path: 'work-pools/:name',
    title: 'Work pool · Rigel',
    loadComponent: () => import('./work-pools/work-pool-detail').then((m) => m.WorkPoolDetail),
  },
  {
    path: 'concurrency-limits',
    title: 'Concurrency limits · Rigel',
    loadComponent: () => import('./concurrency-limits/concurrency-limits').then((m) => m.ConcurrencyLimits),
  },
  {
    path: 'settings',
    title: 'Settings · Rigel',
    loadComponent: () => import('./settings/settings-page').then((m) => m.SettingsPage),
  },
  { path: '**', title: 'Not found · Rigel', loadComponent: () => import('./not-found').then((m) => m.NotFound) },
];
